//! Reading the plan or state: resources and their instances, the configuration's
//! references, and what a resource says at an attribute. Builds no components.

use std::collections::BTreeSet;

use serde_json::Value;

use super::role::role;
use super::values::{
    Found, collect_expressions, collect_values, expression_refs, looks_like_zone, resolve,
    strip_indexes,
};
use super::{Plan, Resource, str_of};
use crate::model::LoadError;

impl<'a> Plan<'a> {
    /// Every resource instance of a `planned_values` or `values` module, child modules too.
    pub(super) fn read_values(&mut self, module: &'a Value, prefix: &str) -> Result<(), LoadError> {
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
    pub(super) fn read_config(
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
    pub(super) fn read_state_dependencies(&mut self) {
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

    pub(super) fn index_names(&mut self) {
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

    pub(super) fn resource(&self, key: &str) -> Option<&Resource<'a>> {
        self.index.get(key).map(|&i| &self.resources[i])
    }

    /// What `r` says at `path` (blocks are lists: each element is followed): the known
    /// values of its instances, else its configuration's constants and references.
    pub(super) fn found(&self, r: &Resource<'a>, path: &[&str]) -> Vec<Found> {
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
    pub(super) fn zones_at(&self, r: &Resource<'a>, paths: &[&[&str]]) -> BTreeSet<String> {
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
    pub(super) fn number(&self, r: &Resource<'a>, key: &str) -> Option<u64> {
        self.found(r, &[key]).into_iter().find_map(|f| match f {
            Found::Number(n) => Some(n),
            _ => None,
        })
    }

    pub(super) fn flag(&self, r: &Resource<'a>, key: &str) -> Option<bool> {
        self.found(r, &[key]).into_iter().find_map(|f| match f {
            Found::Bool(b) => Some(b),
            _ => None,
        })
    }

    /// The region of the AWS provider configuration `r` uses: a constant, or a root
    /// variable's value.
    pub(super) fn provider_region(&self, r: &Resource<'a>) -> Option<String> {
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
}
