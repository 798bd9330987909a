//! What each Terraform resource type becomes: a component, a source of zones, a joint
//! the reference walk passes through, or unknown. Reads no values.

use crate::model::ComponentKind;

/// What a resource type becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
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

pub(super) fn role(resource_type: &str) -> Role {
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
    pub(super) fn is_component(self) -> bool {
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

    /// The attributes a component of this role takes a whole number from, and those it
    /// takes a flag from (see `place`).
    pub(super) fn typed_attributes(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Role::LoadBalancer => (&[], &["internal"]),
            Role::AutoScalingGroup => (&["desired_capacity", "min_size"], &[]),
            Role::EcsService => (&["desired_count"], &[]),
            Role::DbInstance => (&[], &["multi_az"]),
            Role::ReplicationGroup => (
                &[
                    "num_cache_clusters",
                    "number_cache_clusters",
                    "replicas_per_node_group",
                ],
                &["automatic_failover_enabled", "multi_az_enabled"],
            ),
            Role::CacheCluster => (&["num_cache_nodes"], &[]),
            _ => (&[], &[]),
        }
    }
}
