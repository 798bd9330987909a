//! Terraform import: the JSON of `terraform show -json` (a plan or a state) read for AWS
//! resources, their zones, the provider's region and the references between them. Never
//! runs terraform or reads HCL; a resource type it does not know is listed, never guessed.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use serde_json::{Map, Value};

use super::Imported;
use super::infer::{IdTable, located};
use crate::model::{
    Component, ComponentKind, Dependency, DependencyKind, Failover, LoadError, MAX_DEPENDENCIES,
    MAX_REPLICAS, Model, Region, Replication, Zone,
};

/// Whether `text` looks like the JSON of `terraform show -json` (used to guess an import's
/// format); a raw state file is claimed too, so that its error can say what to run.
pub fn detect(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && (text.contains("\"format_version\"") || text.contains("\"terraform_version\""))
}

/// The major `format_version`s this reader knows (`0.x` up to Terraform 1.0, `1.x` since).
const KNOWN_MAJORS: [&str; 2] = ["0", "1"];

/// Steps of the reference walk through resources that are not components, in all: a file
/// whose references are more entangled than this is refused instead of searched forever.
const WALK_BUDGET: usize = 20_000_000;

/// Replicas of an AWS-managed service spread over several zones or edge locations.
const MANAGED_REPLICAS: u32 = 3;

/// Calls between components (by resource index), `true` when only soft; a pair may come
/// twice until [`Calls::merged`].
#[derive(Default)]
struct Calls(Vec<(usize, usize, bool)>);

impl Calls {
    fn push(&mut self, from: usize, to: usize, soft: bool) -> bool {
        if from != to {
            self.0.push((from, to, soft));
        }
        self.0.len() <= MAX_DEPENDENCIES
    }

    /// Each pair once, in order, hard when any of its calls is.
    fn merged(mut self) -> Vec<(usize, usize, bool)> {
        self.0.sort_unstable();
        self.0.dedup_by_key(|&mut (i, j, _)| (i, j));
        self.0
    }
}

/// What a resource type becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    LoadBalancer,
    AutoScalingGroup,
    Instance,
    EcsService,
    DbInstance,
    RdsCluster,
    /// Counted as a replica of its cluster.
    RdsClusterInstance,
    ReplicationGroup,
    CacheCluster,
    Dns,
    Cdn,
    /// An AWS service spread over the region's zones (S3, SQS, Lambda).
    Regional(ComponentKind, &'static str),
    /// Where the zones of other resources come from.
    Subnet,
    TargetGroup,
    /// Joins a load balancer to target groups (listeners and their rules).
    Listener,
    /// Registers instances or groups in a target group.
    Attachment,
    /// A Lambda function consuming a queue or stream.
    EventSource,
    /// Read for what it references (launch templates, task definitions, subnet groups).
    Followed,
    /// Certificate validation waits for DNS records: the wait is no run-time call.
    NotFollowed,
    Unknown,
}

fn role(resource_type: &str) -> Role {
    use ComponentKind::{Queue, Service, Storage};
    match resource_type {
        "aws_lb" | "aws_alb" | "aws_elb" => Role::LoadBalancer,
        "aws_autoscaling_group" => Role::AutoScalingGroup,
        "aws_instance" => Role::Instance,
        "aws_ecs_service" => Role::EcsService,
        "aws_db_instance" => Role::DbInstance,
        "aws_rds_cluster" => Role::RdsCluster,
        "aws_rds_cluster_instance" => Role::RdsClusterInstance,
        "aws_elasticache_replication_group" => Role::ReplicationGroup,
        "aws_elasticache_cluster" => Role::CacheCluster,
        "aws_route53_record" => Role::Dns,
        "aws_cloudfront_distribution" => Role::Cdn,
        "aws_sqs_queue" => Role::Regional(Queue, "SQS"),
        "aws_s3_bucket" => Role::Regional(Storage, "S3"),
        "aws_lambda_function" => Role::Regional(Service, "Lambda"),
        "aws_subnet" => Role::Subnet,
        "aws_lb_target_group" | "aws_alb_target_group" => Role::TargetGroup,
        "aws_lb_listener"
        | "aws_alb_listener"
        | "aws_lb_listener_rule"
        | "aws_alb_listener_rule" => Role::Listener,
        "aws_lb_target_group_attachment"
        | "aws_alb_target_group_attachment"
        | "aws_autoscaling_attachment" => Role::Attachment,
        "aws_lambda_event_source_mapping" => Role::EventSource,
        "aws_launch_template"
        | "aws_launch_configuration"
        | "aws_ecs_task_definition"
        | "aws_db_subnet_group"
        | "aws_elasticache_subnet_group" => Role::Followed,
        "aws_acm_certificate_validation" => Role::NotFollowed,
        _ => Role::Unknown,
    }
}

impl Role {
    fn is_component(self) -> bool {
        matches!(
            self,
            Role::LoadBalancer
                | Role::AutoScalingGroup
                | Role::Instance
                | Role::EcsService
                | Role::DbInstance
                | Role::RdsCluster
                | Role::ReplicationGroup
                | Role::CacheCluster
                | Role::Dns
                | Role::Cdn
                | Role::Regional(..)
        )
    }
}

/// One resource block (all its `count` or `for_each` instances), by its address without
/// instance keys.
struct Resource<'a> {
    key: String,
    resource_type: String,
    name: String,
    /// The module path the block is in: `module.a.module.b.`, or empty at the root.
    module: String,
    managed: bool,
    role: Role,
    /// Each instance's `values`, in file order.
    instances: Vec<&'a Value>,
    /// The block's configuration (plans only).
    config: Option<&'a Value>,
    provider_key: String,
}

/// A resource or module value another one may reference, with what it references
/// (`soft`: only through an attribute about logs).
type Edges = HashMap<String, Vec<(String, bool)>>;

struct Plan<'a> {
    file: &'a str,
    text: &'a str,
    root: &'a Value,
    resources: Vec<Resource<'a>>,
    index: HashMap<String, usize>,
    edges: Edges,
    subnet_zone: HashMap<String, String>,
    /// Subnet groups by `group:NAME` and clusters by `cluster:IDENTIFIER`, as states name them.
    named: HashMap<String, usize>,
    notes: Vec<String>,
}

pub fn import(text: &str, file: &str) -> Result<Imported, LoadError> {
    let root: Value = serde_json::from_str(text).map_err(|e| LoadError {
        file: file.to_owned(),
        location: Some((e.line(), e.column())).filter(|&(l, _)| l > 0),
        message: format!("invalid Terraform JSON: {e}")
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned(),
    })?;
    let Some(top) = root.as_object() else {
        return Err(located(
            text,
            file,
            0,
            "expected an object: the JSON of `terraform show -json`",
        ));
    };
    check_version(top, text, file)?;
    let mut plan = Plan {
        file,
        text,
        root: &root,
        resources: Vec::new(),
        index: HashMap::new(),
        edges: Edges::new(),
        subnet_zone: HashMap::new(),
        named: HashMap::new(),
        notes: Vec::new(),
    };
    let values = top
        .get("planned_values")
        .or_else(|| top.get("values"))
        .and_then(|v| v.get("root_module"));
    if let Some(module) = values {
        plan.read_values(module, "")?;
    }
    if let Some(module) = top.get("configuration").and_then(|c| c.get("root_module")) {
        plan.read_config(module, "", 0)?;
    } else {
        plan.read_state_dependencies();
    }
    for list in plan.edges.values_mut() {
        list.sort();
        list.dedup();
    }
    if !plan.resources.iter().any(|r| r.managed) {
        return Err(located(
            text,
            file,
            0,
            "no resources; expected the JSON of `terraform show -json` for a plan or a state",
        ));
    }
    plan.index_names();
    plan.build()
}

fn check_version(top: &Map<String, Value>, text: &str, file: &str) -> Result<(), LoadError> {
    let at = |key: &str| text.find(&format!("\"{key}\"")).unwrap_or(0);
    match top.get("format_version") {
        Some(Value::String(v)) => {
            let major = v.split('.').next().unwrap_or_default();
            if KNOWN_MAJORS.contains(&major) {
                Ok(())
            } else {
                Err(located(
                    text,
                    file,
                    at("format_version"),
                    &format!(
                        "format_version {v} is not supported; expected 0.x or 1.x (a newer Terraform JSON format)"
                    ),
                ))
            }
        }
        Some(_) => Err(located(
            text,
            file,
            at("format_version"),
            "format_version is not a string; expected \"1.x\"",
        )),
        None if top.contains_key("lineage") => Err(located(
            text,
            file,
            0,
            "a raw state file; expected the JSON of `terraform show -json` (run it on the state)",
        )),
        None => Err(located(
            text,
            file,
            0,
            "no `format_version`; expected the JSON of `terraform show -json`",
        )),
    }
}

/// `module.a["x"].module.b[0]` without its instance keys: `module.a.module.b`.
fn strip_indexes(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            if quoted {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    quoted = false;
                }
            } else if c == '"' {
                quoted = true;
            } else if c == '[' {
                depth += 1;
            } else if c == ']' {
                depth -= 1;
            }
        } else if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

impl<'a> Plan<'a> {
    fn error(&self, message: &str) -> LoadError {
        located(self.text, self.file, self.text.len(), message)
    }

    /// Every resource instance of a `planned_values` or `values` module, child modules too.
    fn read_values(&mut self, module: &'a Value, prefix: &str) -> Result<(), LoadError> {
        for r in module
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let managed = str_of(r, "mode") != "data";
            let (resource_type, name) = (str_of(r, "type"), str_of(r, "name"));
            if resource_type.is_empty() || name.is_empty() {
                return Err(self.error(&format!(
                    "a resource without `type` or `name` in module `{}`; expected both",
                    prefix.trim_end_matches('.')
                )));
            }
            let data = if managed { "" } else { "data." };
            let key = format!("{prefix}{data}{resource_type}.{name}");
            let i = match self.index.get(&key) {
                Some(&i) => i,
                None => {
                    self.index.insert(key.clone(), self.resources.len());
                    self.resources.push(Resource {
                        key,
                        resource_type: resource_type.to_owned(),
                        name: name.to_owned(),
                        module: prefix.to_owned(),
                        managed,
                        role: role(resource_type),
                        instances: Vec::new(),
                        config: None,
                        provider_key: String::new(),
                    });
                    self.resources.len() - 1
                }
            };
            if let Some(values) = r.get("values") {
                self.resources[i].instances.push(values);
            }
        }
        for child in module
            .get("child_modules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let address = strip_indexes(str_of(child, "address"));
            if address.is_empty() {
                return Err(self.error("a child module without `address`; expected one"));
            }
            self.read_values(child, &format!("{address}."))?;
        }
        Ok(())
    }

    /// The configuration of a plan: each resource's references, and each module's inputs
    /// and outputs as nodes references pass through.
    fn read_config(
        &mut self,
        module: &'a Value,
        prefix: &str,
        depth: usize,
    ) -> Result<(), LoadError> {
        if depth > 64 {
            return Err(self.error("modules nested deeper than 64; expected fewer"));
        }
        for r in module
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = format!("{prefix}{}", strip_indexes(str_of(r, "address")));
            let mut refs = Vec::new();
            if let Some(expressions) = r.get("expressions") {
                expression_refs(expressions, prefix, false, &mut refs);
            }
            for extra in ["count_expression", "for_each_expression"] {
                if let Some(e) = r.get(extra) {
                    expression_refs(e, prefix, false, &mut refs);
                }
            }
            for d in r
                .get("depends_on")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                refs.extend(resolve(d, prefix).map(|k| (k, false)));
            }
            if let Some(&i) = self.index.get(&key) {
                self.resources[i].config = Some(r);
                self.resources[i].provider_key = str_of(r, "provider_config_key").to_owned();
            }
            self.edges.entry(key).or_default().extend(refs);
        }
        if let Some(outputs) = module.get("outputs").and_then(Value::as_object) {
            for (name, output) in outputs {
                let mut refs = Vec::new();
                if let Some(e) = output.get("expression") {
                    expression_refs(e, prefix, false, &mut refs);
                }
                // `prefix` is `…module.NAME.`: the parent refers to `…module.NAME.output.OUT`.
                self.edges
                    .entry(format!("{prefix}output.{name}"))
                    .or_default()
                    .extend(refs);
            }
        }
        for (name, call) in module
            .get("module_calls")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let child = format!("{prefix}module.{name}.");
            if let Some(inputs) = call.get("expressions").and_then(Value::as_object) {
                for (var, e) in inputs {
                    let mut refs = Vec::new();
                    expression_refs(e, prefix, false, &mut refs);
                    self.edges
                        .entry(format!("{child}var.{var}"))
                        .or_default()
                        .extend(refs);
                }
            }
            if let Some(m) = call.get("module") {
                self.read_config(m, &child, depth + 1)?;
            }
        }
        Ok(())
    }

    /// A state has no configuration: its `depends_on` lists what each resource was built
    /// after, which is every resource its configuration referenced.
    fn read_state_dependencies(&mut self) {
        let mut modules = vec![self.root.get("values").and_then(|v| v.get("root_module"))];
        while let Some(module) = modules.pop() {
            let Some(module) = module else { continue };
            for r in module
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let data = if str_of(r, "mode") == "data" {
                    "data."
                } else {
                    ""
                };
                let module_path = strip_indexes(str_of(module, "address"));
                let prefix = if module_path.is_empty() {
                    String::new()
                } else {
                    format!("{module_path}.")
                };
                let key = format!("{prefix}{data}{}.{}", str_of(r, "type"), str_of(r, "name"));
                let refs = r
                    .get("depends_on")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|d| (strip_indexes(d), false));
                self.edges.entry(key).or_default().extend(refs);
            }
            modules.extend(
                module
                    .get("child_modules")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(Some),
            );
        }
    }

    fn index_names(&mut self) {
        for (i, r) in self.resources.iter().enumerate() {
            for v in &r.instances {
                match r.resource_type.as_str() {
                    "aws_subnet" => {
                        let (id, zone) = (str_of(v, "id"), str_of(v, "availability_zone"));
                        if !id.is_empty() && !zone.is_empty() {
                            self.subnet_zone.insert(id.to_owned(), zone.to_owned());
                        }
                    }
                    "aws_db_subnet_group" | "aws_elasticache_subnet_group" => {
                        self.named.insert(format!("group:{}", str_of(v, "name")), i);
                    }
                    "aws_rds_cluster" => {
                        for key in ["cluster_identifier", "id"] {
                            self.named.insert(format!("cluster:{}", str_of(v, key)), i);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn resource(&self, key: &str) -> Option<&Resource<'a>> {
        self.index.get(key).map(|&i| &self.resources[i])
    }

    /// What `r` says at `path` (blocks are lists: each element is followed): the known
    /// values of its instances, else its configuration's constants and references.
    fn found(&self, r: &Resource<'a>, path: &[&str]) -> Vec<Found> {
        let mut out = Vec::new();
        for v in &r.instances {
            collect_values(v, path, &mut out);
        }
        if out.is_empty()
            && let Some(e) = r.config.and_then(|c| c.get("expressions"))
        {
            collect_expressions(e, path, &r.module, &mut out);
        }
        out
    }

    /// The availability zones `r` names at any of `paths`, through subnets and subnet groups.
    fn zones_at(&self, r: &Resource<'a>, paths: &[&[&str]]) -> BTreeSet<String> {
        // A subnet group's subnets are subnets, never groups: no cycle can be followed.
        let is_group = |t: &Resource<'a>| {
            matches!(
                t.resource_type.as_str(),
                "aws_db_subnet_group" | "aws_elasticache_subnet_group"
            )
        };
        let follow_groups = !is_group(r);
        let mut zones = BTreeSet::new();
        for path in paths {
            for f in self.found(r, path) {
                match f {
                    Found::Text(s) => {
                        if let Some(z) = self.subnet_zone.get(&s) {
                            zones.insert(z.clone());
                        } else if looks_like_zone(&s) {
                            zones.insert(s);
                        } else if let Some(group) =
                            self.subnet_group_named(&s).filter(|_| follow_groups)
                        {
                            zones.extend(self.zones_at(group, &[&["subnet_ids"]]));
                        }
                    }
                    Found::Ref(key) => {
                        let Some(target) = self.resource(&key) else {
                            continue;
                        };
                        match target.resource_type.as_str() {
                            "aws_subnet" => {
                                for f in self.found(target, &["availability_zone"]) {
                                    if let Found::Text(z) = f {
                                        zones.insert(z);
                                    }
                                }
                            }
                            _ if follow_groups && is_group(target) => {
                                zones.extend(self.zones_at(target, &[&["subnet_ids"]]));
                            }
                            _ => {}
                        }
                    }
                    Found::Number(_) | Found::Bool(_) => {}
                }
            }
            if !zones.is_empty() {
                break;
            }
        }
        zones
    }

    /// The DB or ElastiCache subnet group a state names by its `name`.
    fn subnet_group_named(&self, name: &str) -> Option<&Resource<'a>> {
        let &i = self.named.get(&format!("group:{name}"))?;
        self.resources.get(i)
    }

    /// The first number `r` gives at `key`.
    fn number(&self, r: &Resource<'a>, key: &str) -> Option<u64> {
        self.found(r, &[key]).into_iter().find_map(|f| match f {
            Found::Number(n) => Some(n),
            _ => None,
        })
    }

    fn flag(&self, r: &Resource<'a>, key: &str) -> Option<bool> {
        self.found(r, &[key]).into_iter().find_map(|f| match f {
            Found::Bool(b) => Some(b),
            _ => None,
        })
    }

    /// The region of the AWS provider configuration `r` uses: a constant, or a root
    /// variable's value.
    fn provider_region(&self, r: &Resource<'a>) -> Option<String> {
        let providers = self.root.get("configuration")?.get("provider_config")?;
        let config = providers
            .get(&r.provider_key)
            .or_else(|| providers.get("aws"))?;
        let region = config.get("expressions")?.get("region")?;
        if let Some(s) = region.get("constant_value").and_then(Value::as_str) {
            return Some(s.to_owned());
        }
        let variable = region
            .get("references")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .find_map(|r| r.strip_prefix("var."))?;
        self.root
            .get("variables")?
            .get(variable)?
            .get("value")?
            .as_str()
            .map(str::to_owned)
    }

    fn build(mut self) -> Result<Imported, LoadError> {
        let owners = self.owners();
        // Cluster instances by cluster.
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (m, r) in self.resources.iter().enumerate() {
            if r.role == Role::RdsClusterInstance
                && let Some(&cluster) = owners.get(&r.key)
            {
                members.entry(cluster).or_default().push(m);
            }
        }
        let components: Vec<usize> = (0..self.resources.len())
            .filter(|&i| {
                let r = &self.resources[i];
                r.managed && r.role.is_component() && !r.instances.is_empty()
            })
            .collect();
        let mut walk = Walk::new(&self, &owners);
        let mut calls = Calls::default();
        for &i in &components {
            let reached = walk
                .reach(&self.resources[i].key)
                .ok_or_else(|| self.too_entangled())?;
            for (j, soft) in reached {
                if !calls.push(i, j, soft) {
                    return Err(self.too_many_dependencies());
                }
            }
        }
        self.wire_load_balancers(&owners, &mut walk, &mut calls)?;
        self.wire_event_sources(&mut walk, &mut calls)?;
        let mut calls = calls.merged();

        // DNS records that lead to nothing in the file (certificate validation, mail) are
        // no part of the serving path.
        let leads: BTreeSet<usize> = calls.iter().map(|&(i, ..)| i).collect();
        let components: Vec<usize> = components
            .into_iter()
            .filter(|&i| {
                let r = &self.resources[i];
                if r.role == Role::Dns && !leads.contains(&i) {
                    self.notes.push(format!(
                        "`{}` points at nothing in this file: not modelled",
                        r.key
                    ));
                    false
                } else {
                    true
                }
            })
            .collect();
        let kept: BTreeSet<usize> = components.iter().copied().collect();
        calls.retain(|&(i, j, _)| kept.contains(&i) && kept.contains(&j));

        let mut model = Model {
            name: "Imported Terraform".to_owned(),
            description: format!(
                "Imported from {} ({})",
                self.file,
                if self.root.get("planned_values").is_some() {
                    "Terraform plan"
                } else {
                    "Terraform state"
                }
            ),
            ..Model::default()
        };
        let placed: Vec<(usize, Placement)> = components
            .iter()
            .map(|&i| (i, self.place(i, &members)))
            .collect();
        let mut zones: BTreeSet<String> = BTreeSet::new();
        for (_, p) in &placed {
            zones.extend(p.zones.iter().cloned());
        }
        let mut regions: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for z in &zones {
            regions.entry(region_of(z)).or_default().push(z.clone());
        }

        let called: BTreeSet<usize> = calls.iter().map(|&(_, j, _)| j).collect();
        let ids = self.ids(&components);
        let mut new_notes = Vec::new();
        for ((i, mut p), id) in placed.into_iter().zip(&ids) {
            let r = &self.resources[i];
            if let Some(service) = p.regional {
                let region = self.provider_region(r).or_else(|| {
                    (regions.len() == 1)
                        .then(|| regions.keys().next().cloned())
                        .flatten()
                });
                p.zones = region
                    .and_then(|name| regions.get(&name).cloned())
                    .unwrap_or_default();
                p.replicas = p.replicas.max(p.zones.len() as u32);
                let over = if p.zones.is_empty() {
                    "in no zone".to_owned()
                } else {
                    format!("over the region's zones ({})", p.zones.join(", "))
                };
                new_notes.push(format!(
                    "`{}`: {service} is a regional AWS service: modelled as {} replicas {over}",
                    r.key, p.replicas
                ));
            } else if let Some(note) = &p.note {
                new_notes.push(format!("`{}`: {note}", r.key));
            }
            let mut c = Component::new(id, p.kind);
            c.name = r.key.clone();
            c.replicas = p.replicas.clamp(1, MAX_REPLICAS);
            c.zones = p.zones;
            c.replication = p.replication;
            c.failover = p.failover;
            model.components.push(c);
        }
        self.notes.extend(new_notes);
        let id_of: HashMap<usize, &str> = components
            .iter()
            .zip(&ids)
            .map(|(&i, id)| (i, id.as_str()))
            .collect();
        for (i, j, soft) in calls {
            model.dependencies.push(Dependency {
                from: id_of[&i].to_owned(),
                to: id_of[&j].to_owned(),
                kind: if soft {
                    DependencyKind::Soft
                } else {
                    DependencyKind::Hard
                },
            });
        }
        for (c, &i) in model.components.iter_mut().zip(&components) {
            let r = &self.resources[i];
            let front = match r.role {
                Role::Dns | Role::Cdn => true,
                Role::LoadBalancer => self.flag(r, "internal") != Some(true),
                _ => false,
            };
            c.entry = front && !called.contains(&i);
        }
        model.regions = regions
            .into_iter()
            .map(|(id, zones)| Region {
                name: id.clone(),
                id,
                zones: zones.into_iter().map(Zone::new).collect(),
            })
            .collect();
        self.note_unknown();
        if !model.components.iter().any(|c| c.entry) {
            self.notes.push(
                "no DNS record, CDN or internet-facing load balancer in front: no entry point; mark one in the model"
                    .to_owned(),
            );
        }
        super::finish(model, self.notes, self.file)
    }

    fn too_many_dependencies(&self) -> LoadError {
        self.error(&format!(
            "more than {MAX_DEPENDENCIES} dependencies; expected fewer"
        ))
    }

    fn too_entangled(&self) -> LoadError {
        self.error(&format!(
            "references too entangled to follow within {WALK_BUDGET} steps; expected a smaller configuration"
        ))
    }

    /// Which component each resource key stands for: itself, or (for cluster instances)
    /// its cluster.
    fn owners(&self) -> HashMap<String, usize> {
        let mut owners = HashMap::new();
        for (i, r) in self.resources.iter().enumerate() {
            if r.managed && r.role.is_component() && !r.instances.is_empty() {
                owners.insert(r.key.clone(), i);
            }
        }
        for r in self
            .resources
            .iter()
            .filter(|r| r.role == Role::RdsClusterInstance)
        {
            if let Some(cluster) = self.cluster_of(r) {
                owners.insert(r.key.clone(), cluster);
            }
        }
        owners
    }

    /// The cluster an `aws_rds_cluster_instance` belongs to.
    fn cluster_of(&self, r: &Resource<'a>) -> Option<usize> {
        self.found(r, &["cluster_identifier"])
            .into_iter()
            .find_map(|f| match f {
                Found::Ref(key) => self
                    .index
                    .get(&key)
                    .copied()
                    .filter(|&i| self.resources[i].role == Role::RdsCluster),
                Found::Text(name) => self.named.get(&format!("cluster:{name}")).copied(),
                _ => None,
            })
            .or_else(|| {
                let edges = self.edges.get(&r.key)?;
                edges.iter().find_map(|(k, _)| {
                    self.index
                        .get(k)
                        .copied()
                        .filter(|&i| self.resources[i].role == Role::RdsCluster)
                })
            })
    }

    /// Load balancers call what is registered in the target groups their listeners forward
    /// to: groups and services that name the target group, and attachments' targets.
    fn wire_load_balancers(
        &self,
        owners: &HashMap<String, usize>,
        walk: &mut Walk,
        calls: &mut Calls,
    ) -> Result<(), LoadError> {
        let target_groups = |key: &str| -> Vec<String> {
            self.edges
                .get(key)
                .into_iter()
                .flatten()
                .filter(|(k, _)| {
                    self.resource(k)
                        .is_some_and(|r| r.role == Role::TargetGroup)
                })
                .map(|(k, _)| k.clone())
                .collect()
        };
        let mut members: HashMap<String, BTreeSet<usize>> = HashMap::new();
        for r in &self.resources {
            let registered: Vec<usize> = match r.role {
                role if role.is_component() => owners.get(&r.key).copied().into_iter().collect(),
                Role::Attachment => walk
                    .reach(&r.key)
                    .ok_or_else(|| self.too_entangled())?
                    .into_iter()
                    .map(|(j, _)| j)
                    .collect(),
                _ => continue,
            };
            for tg in target_groups(&r.key) {
                members
                    .entry(tg)
                    .or_default()
                    .extend(registered.iter().copied());
            }
        }
        for r in self.resources.iter().filter(|r| r.role == Role::Listener) {
            let mut balancers = BTreeSet::new();
            let mut stack = vec![r.key.clone()];
            let mut seen = BTreeSet::new();
            while let Some(k) = stack.pop() {
                if !seen.insert(k.clone()) {
                    continue;
                }
                for (to, _) in self.edges.get(&k).into_iter().flatten() {
                    match self.resource(to).map(|t| t.role) {
                        Some(Role::Listener) => stack.push(to.clone()),
                        Some(Role::LoadBalancer) => balancers.extend(owners.get(to).copied()),
                        _ => {}
                    }
                }
            }
            let mut groups = target_groups(&r.key);
            for k in &seen {
                groups.extend(target_groups(k));
            }
            for lb in balancers {
                for tg in &groups {
                    for &m in members.get(tg).into_iter().flatten() {
                        if !calls.push(lb, m, false) {
                            return Err(self.too_many_dependencies());
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// A function with an event source mapping depends on the queue or stream it reads.
    fn wire_event_sources(&self, walk: &mut Walk, calls: &mut Calls) -> Result<(), LoadError> {
        for r in self
            .resources
            .iter()
            .filter(|r| r.role == Role::EventSource)
        {
            let reached = walk.reach(&r.key).ok_or_else(|| self.too_entangled())?;
            let is_function = |j: usize| self.resources[j].resource_type == "aws_lambda_function";
            for &(f, _) in reached.iter().filter(|(j, _)| is_function(*j)) {
                for &(source, _) in reached.iter().filter(|(j, _)| !is_function(*j)) {
                    if !calls.push(f, source, false) {
                        return Err(self.too_many_dependencies());
                    }
                }
            }
        }
        Ok(())
    }

    /// Component ids: the resource name (with its module path), with the type when two
    /// components would share it.
    fn ids(&self, components: &[usize]) -> Vec<String> {
        let stem = |r: &Resource<'_>| {
            let modules: Vec<&str> = r
                .module
                .split('.')
                .collect::<Vec<_>>()
                .chunks(2)
                .filter_map(|pair| {
                    (pair.first() == Some(&"module"))
                        .then(|| pair.get(1).copied())
                        .flatten()
                })
                .collect();
            let mut parts = modules;
            parts.push(&r.name);
            parts.join(".")
        };
        let mut count: HashMap<String, usize> = HashMap::new();
        for &i in components {
            *count.entry(stem(&self.resources[i])).or_default() += 1;
        }
        let mut table = IdTable::default();
        components
            .iter()
            .map(|&i| {
                let r = &self.resources[i];
                let s = stem(r);
                if count[&s] > 1 {
                    let short = r
                        .resource_type
                        .strip_prefix("aws_")
                        .unwrap_or(&r.resource_type);
                    table.fresh(&format!("{short}.{s}"))
                } else {
                    table.fresh(&s)
                }
            })
            .collect()
    }

    /// Kind, replicas, zones and failover of component `i`.
    fn place(&self, i: usize, members: &HashMap<usize, Vec<usize>>) -> Placement {
        let r = &self.resources[i];
        let balancer_zones: &[&[&str]] = &[
            &["subnets"],
            &["subnet_mapping", "subnet_id"],
            &["availability_zones"],
        ];
        let mut p = Placement::new(ComponentKind::Service);
        match r.role {
            Role::LoadBalancer => {
                p.kind = ComponentKind::LoadBalancer;
                p.zones = self.zones_at(r, balancer_zones).into_iter().collect();
                p.replicas = p.zones.len().max(1) as u32;
            }
            Role::AutoScalingGroup => {
                p.zones = self
                    .zones_at(r, &[&["availability_zones"], &["vpc_zone_identifier"]])
                    .into_iter()
                    .collect();
                p.replicas = self.count(r, &["desired_capacity", "min_size"], &mut p);
            }
            Role::Instance => {
                p.zones = self
                    .zones_at(r, &[&["availability_zone"], &["subnet_id"]])
                    .into_iter()
                    .collect();
                p.replicas = r.instances.len() as u32;
            }
            Role::EcsService => {
                p.zones = self
                    .zones_at(r, &[&["network_configuration", "subnets"]])
                    .into_iter()
                    .collect();
                p.replicas = self.count(r, &["desired_count"], &mut p);
            }
            Role::DbInstance => self.place_db_instance(r, &mut p),
            Role::RdsCluster => {
                p.kind = ComponentKind::Database;
                let members: Vec<&Resource<'a>> = members
                    .get(&i)
                    .into_iter()
                    .flatten()
                    .map(|&m| &self.resources[m])
                    .collect();
                let mut zones = BTreeSet::new();
                for m in &members {
                    zones.extend(self.zones_at(m, &[&["availability_zone"]]));
                }
                if zones.is_empty() {
                    zones = self.zones_at(r, &[&["availability_zones"], &["db_subnet_group_name"]]);
                }
                p.zones = zones.into_iter().collect();
                p.replicas = members
                    .iter()
                    .map(|m| m.instances.len() as u32)
                    .sum::<u32>()
                    .max(1);
                p.replication = Replication::Sync;
                p.failover = Failover::Automatic;
                p.note = Some(format!(
                    "{} cluster instance{}: shared storage, automatic failover to a reader",
                    p.replicas,
                    if p.replicas == 1 { "" } else { "s" }
                ));
            }
            Role::ReplicationGroup => {
                p.kind = ComponentKind::Cache;
                let clusters = self
                    .number(r, "num_cache_clusters")
                    .or_else(|| self.number(r, "number_cache_clusters"))
                    .or_else(|| self.number(r, "replicas_per_node_group").map(|n| n + 1))
                    .unwrap_or(1);
                p.replicas = clusters.min(u64::from(MAX_REPLICAS)) as u32;
                let automatic = self.flag(r, "automatic_failover_enabled") == Some(true);
                p.failover = if automatic {
                    Failover::Automatic
                } else {
                    Failover::Manual
                };
                let preferred = self.zones_at(r, &[&["preferred_cache_cluster_azs"]]);
                let zones = if preferred.is_empty() {
                    self.zones_at(r, &[&["subnet_group_name"]])
                } else {
                    preferred
                };
                let multi_az = self.flag(r, "multi_az_enabled") == Some(true);
                p.zones = zones
                    .into_iter()
                    .take(if multi_az { usize::MAX } else { 1 })
                    .collect();
                if p.replicas > 1 {
                    p.replication = Replication::Async;
                }
                p.note = Some(format!(
                    "{} cache cluster{}, {} failover{}",
                    p.replicas,
                    if p.replicas == 1 { "" } else { "s" },
                    if automatic { "automatic" } else { "manual" },
                    if multi_az { ", Multi-AZ" } else { "" }
                ));
            }
            Role::CacheCluster => {
                p.kind = ComponentKind::Cache;
                p.zones = self
                    .zones_at(
                        r,
                        &[
                            &["availability_zone"],
                            &["preferred_availability_zones"],
                            &["subnet_group_name"],
                        ],
                    )
                    .into_iter()
                    .take(1)
                    .collect();
                p.replicas = self.count(r, &["num_cache_nodes"], &mut p);
                if p.replicas > 1 {
                    p.note = Some(format!(
                        "{} cache nodes of one cluster hold different keys: modelled as unreplicated shards",
                        p.replicas
                    ));
                }
            }
            Role::Dns | Role::Cdn => {
                let (kind, service) = if r.role == Role::Dns {
                    (ComponentKind::Dns, "Route 53")
                } else {
                    (ComponentKind::Cdn, "CloudFront")
                };
                p.kind = kind;
                p.replicas = MANAGED_REPLICAS;
                p.note = Some(format!(
                    "{service} is a global AWS service: modelled as {MANAGED_REPLICAS} replicas in no zone"
                ));
            }
            Role::Regional(kind, service) => {
                p.kind = kind;
                p.replicas = MANAGED_REPLICAS;
                if kind.is_stateful() {
                    p.replication = Replication::Sync;
                }
                let in_vpc = self.zones_at(r, &[&["vpc_config", "subnet_ids"]]);
                if in_vpc.is_empty() {
                    p.regional = Some(service);
                } else {
                    p.zones = in_vpc.into_iter().collect();
                    p.replicas = p.replicas.max(p.zones.len() as u32);
                    p.note = Some(format!(
                        "{service} in a VPC runs in its subnets' zones: modelled as {} replicas",
                        p.replicas
                    ));
                }
            }
            _ => {}
        }
        if p.regional.is_none() && p.zones.is_empty() && !matches!(r.role, Role::Dns | Role::Cdn) {
            let note = "no availability zone or subnet found: in no zone";
            p.note = Some(match p.note.take() {
                Some(n) => format!("{n}; {note}"),
                None => note.to_owned(),
            });
        }
        p
    }

    fn place_db_instance(&self, r: &Resource<'a>, p: &mut Placement) {
        p.kind = ComponentKind::Database;
        let group: Vec<String> = self
            .zones_at(r, &[&["db_subnet_group_name"]])
            .into_iter()
            .collect();
        let primary = self
            .zones_at(r, &[&["availability_zone"]])
            .into_iter()
            .next()
            .or_else(|| group.first().cloned());
        let Some(primary) = primary else {
            p.replicas = if self.flag(r, "multi_az") == Some(true) {
                2
            } else {
                1
            };
            return;
        };
        if self.flag(r, "multi_az") == Some(true) {
            p.replicas = 2;
            p.replication = Replication::Sync;
            p.failover = Failover::Automatic;
            let standby = group.iter().find(|z| **z != primary).cloned();
            p.zones = std::iter::once(primary).chain(standby.clone()).collect();
            p.note = Some(match standby {
                Some(s) => format!("Multi-AZ: a synchronous standby in {s}, automatic failover"),
                None => {
                    "Multi-AZ, but no second zone in its subnet group: both instances in one zone"
                        .to_owned()
                }
            });
        } else {
            p.note = Some(format!(
                "single-AZ (multi_az is off): one instance in {primary}"
            ));
            p.zones = vec![primary];
        }
    }

    /// A replica count from the first of `keys` that is set; 0 is modelled as 1 and noted.
    fn count(&self, r: &Resource<'a>, keys: &[&str], p: &mut Placement) -> u32 {
        let n = keys.iter().find_map(|k| self.number(r, k)).unwrap_or(1);
        if n == 0 {
            p.note = Some("0 replicas; modelled with 1".to_owned());
        } else if n > u64::from(MAX_REPLICAS) {
            p.note = Some(format!("{n} replicas; modelled with {MAX_REPLICAS}"));
        }
        n.clamp(1, u64::from(MAX_REPLICAS)) as u32
    }

    /// One note per resource type the importer does not model, with its resources.
    fn note_unknown(&mut self) {
        let mut unknown: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for r in self
            .resources
            .iter()
            .filter(|r| r.managed && r.role == Role::Unknown)
        {
            unknown.entry(&r.resource_type).or_default().push(&r.key);
        }
        for (t, keys) in unknown {
            self.notes
                .push(format!("`{t}` is not modelled ({})", keys.join(", ")));
        }
    }
}

/// Where a component runs and how it recovers.
struct Placement {
    kind: ComponentKind,
    replicas: u32,
    zones: Vec<String>,
    replication: Replication,
    failover: Failover,
    /// An AWS service (named) spread over its region's zones once they are known.
    regional: Option<&'static str>,
    note: Option<String>,
}

impl Placement {
    fn new(kind: ComponentKind) -> Self {
        Placement {
            kind,
            replicas: 1,
            zones: Vec::new(),
            replication: Replication::None,
            failover: Failover::Automatic,
            regional: None,
            note: None,
        }
    }
}

/// The reference walk from a resource to the components it reaches directly or through
/// resources that are not components (launch templates, task definitions, module values),
/// over the references numbered once.
struct Walk {
    node: HashMap<String, usize>,
    /// Each node's references, and whether they are soft.
    out: Vec<Vec<(usize, bool)>>,
    /// The component (resource index) a node stands for.
    owner: Vec<Option<usize>>,
    /// Whether the walk goes on through a node that is no component.
    passes: Vec<bool>,
    budget: usize,
    epoch: u32,
    /// Per node: the epoch it was last reached in, and whether only softly.
    reached: Vec<(u32, bool)>,
}

impl Walk {
    fn new(plan: &Plan<'_>, owners: &HashMap<String, usize>) -> Self {
        let mut node: HashMap<String, usize> = HashMap::new();
        let intern = |key: &str, node: &mut HashMap<String, usize>| {
            let n = node.len();
            *node.entry(key.to_owned()).or_insert(n)
        };
        let mut out: Vec<Vec<(usize, bool)>> = Vec::new();
        for (from, list) in &plan.edges {
            let f = intern(from, &mut node);
            let targets: Vec<(usize, bool)> = list
                .iter()
                .map(|(to, soft)| (intern(to, &mut node), *soft))
                .collect();
            out.resize(node.len(), Vec::new());
            out[f] = targets;
        }
        out.resize(node.len(), Vec::new());
        let mut owner = vec![None; node.len()];
        let mut passes = vec![true; node.len()];
        for (key, &n) in &node {
            owner[n] = owners.get(key).copied();
            passes[n] = plan
                .resource(key)
                .is_none_or(|r| !matches!(r.role, Role::TargetGroup | Role::NotFollowed));
        }
        let nodes = node.len();
        Walk {
            node,
            out,
            owner,
            passes,
            budget: WALK_BUDGET,
            epoch: 0,
            reached: vec![(0, false); nodes],
        }
    }

    /// The components `from` reaches, each with whether only through soft references, in
    /// index order; `None` when the budget is spent.
    fn reach(&mut self, from: &str) -> Option<Vec<(usize, bool)>> {
        let Some(&start) = self.node.get(from) else {
            return Some(Vec::new());
        };
        self.epoch += 1;
        let epoch = self.epoch;
        let mut found: Vec<(usize, bool)> = Vec::new();
        let mut queue: VecDeque<(usize, bool)> = VecDeque::from([(start, false)]);
        self.reached[start] = (epoch, false);
        while let Some((n, soft)) = queue.pop_front() {
            for &(to, edge_soft) in &self.out[n] {
                self.budget = self.budget.checked_sub(1)?;
                let soft = soft || edge_soft;
                let (seen, was_soft) = self.reached[to];
                let better = seen != epoch || (was_soft && !soft);
                if !better {
                    continue;
                }
                self.reached[to] = (epoch, soft);
                if let Some(j) = self.owner[to] {
                    found.push((j, soft));
                } else if self.passes[to] {
                    queue.push_back((to, soft));
                }
            }
        }
        // Hard (`false`) sorts first and is the one kept.
        found.sort_unstable();
        found.dedup_by_key(|(j, _)| *j);
        Some(found)
    }
}

/// A value found in a resource: known text or a number, or a reference to another
/// resource (by key) where the plan does not know the value yet.
#[derive(Debug, PartialEq)]
enum Found {
    Text(String),
    Number(u64),
    Bool(bool),
    Ref(String),
}

fn push_scalar(v: &Value, out: &mut Vec<Found>) {
    match v {
        Value::String(s) => out.push(Found::Text(s.clone())),
        Value::Number(n) => out.extend(
            n.as_u64()
                .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                .map(Found::Number),
        ),
        Value::Bool(b) => out.push(Found::Bool(*b)),
        Value::Array(list) => {
            for item in list {
                if !item.is_array() {
                    push_scalar(item, out);
                }
            }
        }
        _ => {}
    }
}

fn collect_values(v: &Value, path: &[&str], out: &mut Vec<Found>) {
    match (v, path.split_first()) {
        (Value::Array(list), Some(_)) => {
            for item in list {
                collect_values(item, path, out);
            }
        }
        (Value::Object(map), Some((key, rest))) => {
            if let Some(next) = map.get(*key) {
                collect_values(next, rest, out);
            }
        }
        (v, None) => push_scalar(v, out),
        _ => {}
    }
}

fn collect_expressions(e: &Value, path: &[&str], module: &str, out: &mut Vec<Found>) {
    match (e, path.split_first()) {
        (Value::Array(blocks), Some(_)) => {
            for b in blocks {
                collect_expressions(b, path, module, out);
            }
        }
        (Value::Object(map), Some((key, rest))) => {
            if let Some(next) = map.get(*key) {
                collect_expressions(next, rest, module, out);
            }
        }
        (Value::Object(map), None) => {
            if let Some(c) = map.get("constant_value") {
                push_scalar(c, out);
            }
            for r in map
                .get("references")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if let Some(key) = resolve(r, module) {
                    out.push(Found::Ref(key));
                }
            }
        }
        _ => {}
    }
}

/// Every reference in an expression tree, resolved to node keys; those under an attribute
/// about logs are soft (a service keeps serving when its log bucket is down).
fn expression_refs(e: &Value, module: &str, soft: bool, out: &mut Vec<(String, bool)>) {
    match e {
        Value::Object(map) => {
            for (key, v) in map {
                match key.as_str() {
                    "constant_value" => {}
                    "references" => {
                        for r in v.as_array().into_iter().flatten().filter_map(Value::as_str) {
                            out.extend(resolve(r, module).map(|k| (k, soft)));
                        }
                    }
                    _ => {
                        let soft = soft || key.contains("log") || key.contains("dead_letter");
                        expression_refs(v, module, soft, out);
                    }
                }
            }
        }
        Value::Array(list) => {
            for v in list {
                expression_refs(v, module, soft, out);
            }
        }
        _ => {}
    }
}

/// The node key a reference in module `module` names: a resource, a module output
/// (`module.db.output.address`) or a module input (`module.db.var.name`); `None` for
/// locals, `count`, `each`, `path`, `self` and root variables.
fn resolve(reference: &str, module: &str) -> Option<String> {
    let plain = strip_indexes(reference);
    let parts: Vec<&str> = plain.split('.').collect();
    match parts.as_slice() {
        ["var", name, ..] if !module.is_empty() => Some(format!("{module}var.{name}")),
        [
            "var" | "local" | "count" | "each" | "path" | "self" | "terraform",
            ..,
        ] => None,
        ["module", name, output, ..] => Some(format!("{module}module.{name}.output.{output}")),
        ["module", ..] => None,
        ["data", t, n, ..] => Some(format!("{module}data.{t}.{n}")),
        [t, n, ..] => Some(format!("{module}{t}.{n}")),
        _ => None,
    }
}

/// `eu-west-1a`, `us-gov-west-1b`, `us-west-2-lax-1a`: a region name and a zone letter
/// (not a subnet id such as `subnet-0a1b`).
fn looks_like_zone(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    let letter = last.chars().last().filter(char::is_ascii_lowercase);
    let number = &last[..last.len() - letter.map_or(0, char::len_utf8)];
    parts.len() >= 3
        && first.len() == 2
        && first.chars().all(|c| c.is_ascii_lowercase())
        && letter.is_some()
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// The region a zone name belongs to: `eu-west-1a` → `eu-west-1`; a local zone
/// (`us-west-2-lax-1a`) → `us-west-2`.
fn region_of(zone: &str) -> String {
    let parts: Vec<&str> = zone.split('-').collect();
    // The region is the shortest prefix of parts that ends in a number.
    for n in 2..=parts.len() {
        if let Some(last) = parts.get(n - 1)
            && last.chars().all(|c| c.is_ascii_digit())
            && !last.is_empty()
        {
            return parts[..n].join("-");
        }
    }
    zone.trim_end_matches(|c: char| c.is_ascii_lowercase())
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_keys_are_stripped_from_addresses() {
        assert_eq!(
            strip_indexes("module.a[\"x]y\"].aws_instance.web[0]"),
            "module.a.aws_instance.web"
        );
        assert_eq!(strip_indexes("aws_lb.front"), "aws_lb.front");
    }

    #[test]
    fn references_resolve_in_their_module() {
        assert_eq!(resolve("aws_subnet.a.id", ""), Some("aws_subnet.a".into()));
        assert_eq!(
            resolve("aws_subnet.a[count.index].id", "module.net."),
            Some("module.net.aws_subnet.a".into())
        );
        assert_eq!(
            resolve("module.db.address", ""),
            Some("module.db.output.address".into())
        );
        assert_eq!(
            resolve("var.subnets", "module.db."),
            Some("module.db.var.subnets".into())
        );
        assert_eq!(resolve("var.region", ""), None);
        assert_eq!(resolve("local.x", ""), None);
        assert_eq!(
            resolve("data.aws_subnet.x.availability_zone", ""),
            Some("data.aws_subnet.x".into())
        );
    }

    #[test]
    fn zones_and_their_regions() {
        assert!(looks_like_zone("eu-west-1a"));
        assert!(looks_like_zone("us-west-2-lax-1a"));
        assert!(!looks_like_zone("subnet-0abc"));
        assert!(!looks_like_zone("subnet-0a1b"));
        assert!(!looks_like_zone("eu-west-1"));
        assert_eq!(region_of("eu-west-1a"), "eu-west-1");
        assert_eq!(region_of("us-gov-west-1b"), "us-gov-west-1");
        assert_eq!(region_of("us-west-2-lax-1a"), "us-west-2");
    }
}
