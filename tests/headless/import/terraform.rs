//! Terraform: the plan JSON of a small two-zone AWS web app (a single-AZ database, a
//! single-node cache) and the state JSON of an API with a Multi-AZ database and an Aurora
//! cluster in a module give the expected components, zones, dependencies, entries, SPOFs and
//! report; unknown format versions and broken files are refused with their position.

use spofscope::io::import::{self, ImportFormat, Imported, terraform};
use spofscope::model::{ComponentKind, DependencyKind, Failover, Model, Replication};

use super::{assert_laid_out, deps, fixture, kinds, owned, spofs};
use crate::support::{fixture_path, spofscope, temp_dir};

fn web_app() -> Imported {
    let (text, file) = fixture("aws-web-plan.json");
    terraform::import(&text, &file).unwrap()
}

fn api_state() -> Imported {
    let (text, file) = fixture("aws-api-state.json");
    terraform::import(&text, &file).unwrap()
}

fn zones(m: &Model) -> Vec<(&str, Vec<&str>)> {
    m.components
        .iter()
        .map(|c| (c.id.as_str(), c.zones.iter().map(String::as_str).collect()))
        .collect()
}

#[test]
fn plan_resources_become_components_with_kinds_replicas_and_the_dns_entry() {
    let m = web_app().model;
    use ComponentKind::*;
    assert_eq!(
        kinds(&m),
        vec![
            ("web", Service, 2, false),
            ("shop", Cdn, 3, false),
            ("db_instance.orders", Database, 1, false),
            ("sessions", Cache, 1, false),
            ("fulfilment", Service, 3, false),
            ("front", LoadBalancer, 2, false),
            ("www", Dns, 3, true),
            ("assets", Storage, 3, false),
            ("logs", Storage, 3, false),
            ("sqs_queue.orders", Queue, 3, false),
        ]
    );
    assert_eq!(
        m.component("front").map(|c| c.name.as_str()),
        Some("aws_lb.front")
    );
    assert_laid_out(&m);
}

#[test]
fn plan_zones_come_from_subnets_and_the_provider_region_from_its_variable() {
    let m = web_app().model;
    let (a, b) = ("eu-west-1a", "eu-west-1b");
    assert_eq!(
        zones(&m),
        vec![
            ("web", vec![a, b]),
            ("shop", vec![]),
            ("db_instance.orders", vec![a]),
            ("sessions", vec![a]),
            ("fulfilment", vec![a, b]),
            ("front", vec![a, b]),
            ("www", vec![]),
            ("assets", vec![a, b]),
            ("logs", vec![a, b]),
            ("sqs_queue.orders", vec![a, b]),
        ]
    );
    assert_eq!(m.regions.len(), 1);
    assert_eq!(m.regions[0].id, "eu-west-1");
    let zone_ids: Vec<&str> = m.regions[0].zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(zone_ids, [a, b]);
    let cache = m.component("sessions").unwrap();
    assert_eq!(
        (cache.replication, cache.failover),
        (Replication::None, Failover::Manual)
    );
}

#[test]
fn plan_dependencies_follow_references_listeners_and_event_sources() {
    let m = web_app().model;
    use DependencyKind::{Hard, Soft};
    assert_eq!(
        deps(&m),
        vec![
            ("front", "logs", Soft),
            ("front", "web", Hard),
            ("fulfilment", "db_instance.orders", Hard),
            ("fulfilment", "sqs_queue.orders", Hard),
            ("shop", "assets", Hard),
            ("shop", "front", Hard),
            ("web", "db_instance.orders", Hard),
            ("web", "sessions", Hard),
            ("web", "sqs_queue.orders", Hard),
            ("www", "shop", Hard),
        ]
    );
}

#[test]
fn plan_report_lists_every_decision_and_each_unknown_type() {
    let notes = web_app().notes;
    let zones = "over the region's zones (eu-west-1a, eu-west-1b)";
    assert_eq!(
        notes,
        vec![
            "`aws_route53_record.validation` points at nothing in this file: not modelled".to_owned(),
            "`aws_cloudfront_distribution.shop`: CloudFront is a global AWS service: modelled as 3 replicas in no zone".to_owned(),
            "`aws_db_instance.orders`: single-AZ (multi_az is off): one instance in eu-west-1a".to_owned(),
            "`aws_elasticache_replication_group.sessions`: 1 cache cluster, manual failover".to_owned(),
            "`aws_lambda_function.fulfilment`: Lambda in a VPC runs in its subnets' zones: modelled as 3 replicas".to_owned(),
            "`aws_route53_record.www`: Route 53 is a global AWS service: modelled as 3 replicas in no zone".to_owned(),
            format!("`aws_s3_bucket.assets`: S3 is a regional AWS service: modelled as 3 replicas {zones}"),
            format!("`aws_s3_bucket.logs`: S3 is a regional AWS service: modelled as 3 replicas {zones}"),
            format!("`aws_sqs_queue.orders`: SQS is a regional AWS service: modelled as 3 replicas {zones}"),
            "`aws_acm_certificate` is not modelled (aws_acm_certificate.shop)".to_owned(),
            "`aws_iam_role` is not modelled (aws_iam_role.fulfilment)".to_owned(),
            "`aws_route53_zone` is not modelled (aws_route53_zone.main)".to_owned(),
            "`aws_security_group` is not modelled (aws_security_group.data, aws_security_group.lb, aws_security_group.web, aws_security_group.worker)".to_owned(),
            "`aws_vpc` is not modelled (aws_vpc.main)".to_owned(),
        ]
    );
}

#[test]
fn plan_spofs_are_the_single_az_database_the_single_node_cache_and_their_zone() {
    assert_eq!(
        spofs(&web_app().model),
        owned(&[
            ("region", "eu-west-1", &["www"]),
            ("zone", "eu-west-1a", &["www"]),
            ("component", "db_instance.orders", &["www"]),
            ("component", "sessions", &["www"]),
        ])
    );
}

#[test]
fn state_reads_subnet_ids_depends_on_multi_az_and_a_cluster_in_a_module() {
    let Imported { model: m, notes } = api_state();
    use ComponentKind::*;
    assert_eq!(
        kinds(&m),
        vec![
            ("lb.api", LoadBalancer, 3, true),
            ("instance.api", Service, 2, false),
            ("jobs", Service, 3, false),
            ("queue", Cache, 2, false),
            ("ledger", Database, 2, false),
            ("db.main", Database, 2, false),
        ]
    );
    let (a, b, c) = ("us-east-1a", "us-east-1b", "us-east-1c");
    assert_eq!(
        zones(&m),
        vec![
            ("lb.api", vec![a, b, c]),
            ("instance.api", vec![a, b]),
            ("jobs", vec![a, b, c]),
            ("queue", vec![a, b]),
            ("ledger", vec![b, a]),
            ("db.main", vec![a, c]),
        ]
    );
    let ledger = m.component("ledger").unwrap();
    assert_eq!(
        (ledger.replication, ledger.failover),
        (Replication::Sync, Failover::Automatic)
    );
    let queue = m.component("queue").unwrap();
    assert_eq!(
        (queue.replication, queue.failover),
        (Replication::Async, Failover::Automatic)
    );
    use DependencyKind::Hard;
    assert_eq!(
        deps(&m),
        vec![
            ("instance.api", "db.main", Hard),
            ("jobs", "ledger", Hard),
            ("jobs", "queue", Hard),
            ("lb.api", "instance.api", Hard),
        ]
    );
    assert_eq!(
        notes,
        [
            "`aws_elasticache_replication_group.queue`: 2 cache clusters, automatic failover, Multi-AZ",
            "`aws_db_instance.ledger`: Multi-AZ: a synchronous standby in us-east-1a, automatic failover",
            "`module.db.aws_rds_cluster.main`: 2 cluster instances: shared storage, automatic failover to a reader",
        ]
    );
    assert_eq!(
        m.description,
        format!(
            "Imported from {} (Terraform state)",
            fixture("aws-api-state.json").1
        )
    );
    assert_eq!(spofs(&m), owned(&[("region", "us-east-1", &["lb.api"])]));
}

#[test]
fn an_unknown_major_format_version_is_refused_with_its_position() {
    let e = terraform::import(
        "{\n  \"format_version\": \"2.0\",\n  \"terraform_version\": \"2.0.0\"\n}",
        "plan.json",
    )
    .unwrap_err();
    assert_eq!(e.location, Some((2, 3)));
    assert_eq!(
        e.message,
        "format_version 2.0 is not supported; expected 0.x or 1.x (a newer Terraform JSON format)"
    );
}

#[test]
fn a_raw_state_file_and_broken_json_are_refused() {
    let e = terraform::import(
        "{\"version\": 4, \"terraform_version\": \"1.9.8\", \"lineage\": \"x\", \"resources\": []}",
        "terraform.tfstate",
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "a raw state file; expected the JSON of `terraform show -json` (run it on the state)"
    );
    let e = terraform::import(
        "{\"format_version\": \"1.0\",\n \"values\": {\"root_module\": {\"resources\": [}}}",
        "state.json",
    )
    .unwrap_err();
    assert_eq!(e.location, Some((2, 43)));
    assert!(e.message.starts_with("invalid Terraform JSON"), "{e}");
    let e = terraform::import("{\"format_version\": \"1.0\"}", "empty.json").unwrap_err();
    assert_eq!(
        e.message,
        "no resources; expected the JSON of `terraform show -json` for a plan or a state"
    );
}

#[test]
fn terraform_json_is_recognised_by_content_and_imported_by_the_cli() {
    let path = fixture_path("import/aws-web-plan.json");
    let (text, _) = fixture("aws-web-plan.json");
    assert_eq!(
        import::guess_import_format(&path, &text),
        Ok(ImportFormat::Terraform)
    );
    let dir = temp_dir();
    let out = dir.path().join("shop.spof.ron");
    let run = spofscope()
        .arg("import")
        .arg(&path)
        .arg("--from")
        .arg("terraform")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("`aws_vpc` is not modelled (aws_vpc.main)"),
        "{stderr}"
    );
    let written = spofscope::model::load(&out).unwrap();
    assert_eq!(written.components, web_app().model.components);
}

/// The position and message of the error `text` is refused with.
fn refusal(text: &str) -> (Option<(usize, usize)>, String) {
    let e = terraform::import(text, "plan.json").unwrap_err();
    assert_eq!(e.file, "plan.json");
    (e.location, e.message)
}

#[test]
fn a_resource_without_a_type_is_refused_at_the_resource() {
    let text = r#"{
  "format_version": "1.2",
  "planned_values": {
    "root_module": {
      "resources": [
        {"address": "aws_sqs_queue.a", "type": "aws_sqs_queue", "name": "a", "values": {}},
        {"address": "aws_sqs_queue.b", "name": "b", "values": {}}
      ]
    }
  }
}"#;
    assert_eq!(
        refusal(text),
        (
            Some((7, 9)),
            "a resource without `type` or `name` in module ``; expected both".to_owned()
        )
    );
}

#[test]
fn a_count_of_the_wrong_type_is_refused_at_its_attribute_not_at_a_namesake() {
    let text = r#"{"format_version": "1.0",
 "values": {"root_module": {
  "resources": [
   {"address": "aws_autoscaling_group.api", "mode": "managed", "type": "aws_autoscaling_group",
    "name": "api", "values": {"desired_capacity": 2}}],
  "child_modules": [{"address": "module.web", "resources": [
   {"address": "module.web.aws_autoscaling_group.web", "mode": "managed",
    "type": "aws_autoscaling_group", "name": "web",
    "values": {"min_size": 1,
               "desired_capacity": "three"}}]}]}}}"#;
    assert_eq!(
        refusal(text),
        (
            Some((10, 16)),
            "`module.web.aws_autoscaling_group.web`: `desired_capacity` is a string; expected a whole number"
                .to_owned()
        )
    );
    let negative = text.replace("\"three\"", "-1");
    assert_eq!(
        refusal(&negative),
        (
            Some((10, 16)),
            "`module.web.aws_autoscaling_group.web`: `desired_capacity` is -1; expected a whole number"
                .to_owned()
        )
    );
}

#[test]
fn a_flag_of_the_wrong_type_is_refused_at_its_attribute() {
    let text = r#"{"format_version": "1.0",
 "values": {"root_module": {"resources": [
  {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
   "values": {"availability_zone": "eu-west-1a", "multi_az": "yes"}}]}}}"#;
    assert_eq!(
        refusal(text),
        (
            Some((4, 50)),
            "`aws_db_instance.main`: `multi_az` is a string; expected true or false".to_owned()
        )
    );
}

#[test]
fn a_dependency_that_is_no_address_is_refused_at_its_entry() {
    let text = r#"{"format_version": "1.0",
 "values": {"root_module": {"resources": [
  {"address": "aws_sqs_queue.jobs", "mode": "managed", "type": "aws_sqs_queue", "name": "jobs",
   "values": {}, "depends_on": ["aws_s3_bucket.logs",
                                {"address": "aws_kms_key.k"}]}]}}}"#;
    assert_eq!(
        refusal(text),
        (
            Some((5, 33)),
            "a `depends_on` entry that is not a string; expected a resource address".to_owned()
        )
    );
}

#[test]
fn malformed_modules_and_values_are_refused_where_they_are() {
    let no_address = r#"{"format_version": "1.0",
 "values": {"root_module": {"resources": [],
  "child_modules": [
    {"resources": []}]}}}"#;
    assert_eq!(
        refusal(no_address),
        (
            Some((4, 5)),
            "a child module without `address`; expected one".to_owned()
        )
    );
    let values = r#"{"format_version": "1.0",
 "values": {"root_module": {"resources": [
  {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q",
   "values": "none"}]}}}"#;
    assert_eq!(
        refusal(values),
        (
            Some((4, 4)),
            "`values` is not an object; expected the resource's attributes".to_owned()
        )
    );
    let resources =
        "{\"format_version\": \"1.0\",\n \"values\": {\"root_module\": {\"resources\": {}}}}";
    assert_eq!(
        refusal(resources),
        (
            Some((2, 29)),
            "`resources` is not a list; expected one".to_owned()
        )
    );
    let empty =
        "{\"format_version\": \"1.0\",\n \"values\": {\"root_module\": {\"resources\": []}}}";
    assert_eq!(
        refusal(empty),
        (
            Some((2, 13)),
            "no resources; expected the JSON of `terraform show -json` for a plan or a state"
                .to_owned()
        )
    );
}

#[test]
fn the_top_level_format_version_is_found_past_a_variable_of_that_name() {
    let text =
        "{\"variables\": {\"format_version\": {\"value\": \"x\"}},\n \"format_version\": \"9.1\"}";
    assert_eq!(
        refusal(text),
        (
            Some((2, 2)),
            "format_version 9.1 is not supported; expected 0.x or 1.x (a newer Terraform JSON format)"
                .to_owned()
        )
    );
}
