//! Reading the plan or state: resources and their instances, the configuration's
//! references, and what a resource says at an attribute. Builds no components.

use std::collections::BTreeSet;

use serde_json::Value;

use super::locate::{Step, field, join};
use super::role::role;
use super::values::{
    Found, collect_expressions, collect_values, expression_refs, looks_like_zone, resolve,
    strip_indexes,
};
use super::{Plan, Resource, str_of};
use crate::model::LoadError;

impl<'a> Plan<'a> {
    /// Every resource instance of a `planned_values` or `values` module, child modules too.
    /// `at` is where `module` is in the file.
    pub(super) fn read_values(
        &mut self,
        module: &'a Value,
        prefix: &str,
        at: &[Step],
    ) -> Result<(), LoadError> {
        let resources_at = join(at, field("resources"));
        for (n, r) in self.list(module, &resources_at)?.iter().enumerate() {
            let r_at = join(&resources_at, Step::Index(n));
            let managed = str_of(r, "mode") != "data";
            let (resource_type, name) = (str_of(r, "type"), str_of(r, "name"));
            if resource_type.is_empty() || name.is_empty() {
                return Err(self.error_at(
                    &r_at,
                    &format!(
                        "a resource without `type` or `name` in module `{}`; expected both",
                        prefix.trim_end_matches('.')
                    ),
                ));
            }
            self.addresses(r, &r_at)?;
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
                        at: r_at.clone(),
                        instances_at: Vec::new(),
                        config: None,
                        provider_key: String::new(),
                    });
                    self.resources.len() - 1
                }
            };
            match r.get("values") {
                None | Some(Value::Null) => {}
                Some(values @ Value::Object(_)) => {
                    let resource = &mut self.resources[i];
                    resource.instances.push(values);
                    resource.instances_at.push(join(&r_at, field("values")));
                }
                Some(_) => {
                    return Err(self.error_at(
                        &join(&r_at, field("values")),
                        "`values` is not an object; expected the resource's attributes",
                    ));
                }
            }
        }
        let children_at = join(at, field("child_modules"));
        for (n, child) in self.list(module, &children_at)?.iter().enumerate() {
            let child_at = join(&children_at, Step::Index(n));
            let address = strip_indexes(str_of(child, "address"));
            if address.is_empty() {
                return Err(
                    self.error_at(&child_at, "a child module without `address`; expected one")
                );
            }
            self.read_values(child, &format!("{address}."), &child_at)?;
        }
        Ok(())
    }

    /// Every whole number and flag the components are read for has that type in each
    /// instance (or is null), so that none is silently taken as unset.
    pub(super) fn check_attributes(&self) -> Result<(), LoadError> {
        for r in self.resources.iter().filter(|r| r.managed) {
            let (numbers, flags) = r.role.typed_attributes();
            for (values, at) in r.instances.iter().zip(&r.instances_at) {
                let wrong = |name: &str, expected: &str, v: &Value| {
                    self.error_at(
                        &join(at, field(name)),
                        &format!("`{}`: `{name}` is {}; expected {expected}", r.key, shown(v)),
                    )
                };
                for &name in numbers {
                    match values.get(name) {
                        None | Some(Value::Null) => {}
                        Some(Value::Number(n)) if is_whole(n) => {}
                        Some(v) => return Err(wrong(name, "a whole number", v)),
                    }
                }
                for &name in flags {
                    match values.get(name) {
                        None | Some(Value::Null | Value::Bool(_)) => {}
                        Some(v) => return Err(wrong(name, "true or false", v)),
                    }
                }
            }
        }
        Ok(())
    }

    /// The list at the end of `at` (a member of `parent`): empty when absent or null.
    fn list(&self, parent: &'a Value, at: &[Step]) -> Result<&'a [Value], LoadError> {
        let Some(Step::Key(name)) = at.last() else {
            return Ok(&[]);
        };
        match parent.get(name) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(list)) => Ok(list),
            Some(_) => Err(self.error_at(at, &format!("`{name}` is not a list; expected one"))),
        }
    }

    /// The addresses resource `r` (at `at`) lists in `depends_on`.
    fn addresses(&self, r: &'a Value, at: &[Step]) -> Result<Vec<&'a str>, LoadError> {
        let list_at = join(at, field("depends_on"));
        let list = self.list(r, &list_at)?;
        list.iter()
            .enumerate()
            .map(|(n, d)| {
                d.as_str().ok_or_else(|| {
                    self.error_at(
                        &join(&list_at, Step::Index(n)),
                        "a `depends_on` entry that is not a string; expected a resource address",
                    )
                })
            })
            .collect()
    }

    /// The configuration of a plan: each resource's references, and each module's inputs
    /// and outputs as nodes references pass through.
    /// `at` is where `module` is in the file.
    pub(super) fn read_config(
        &mut self,
        module: &'a Value,
        prefix: &str,
        at: &[Step],
        depth: usize,
    ) -> Result<(), LoadError> {
        if depth > 64 {
            return Err(self.error_at(at, "modules nested deeper than 64; expected fewer"));
        }
        let resources_at = join(at, field("resources"));
        for (n, r) in self.list(module, &resources_at)?.iter().enumerate() {
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
            for d in self.addresses(r, &join(&resources_at, Step::Index(n)))? {
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
                let call_at = join(&join(at, field("module_calls")), field(name));
                self.read_config(m, &child, &join(&call_at, field("module")), depth + 1)?;
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

/// A count: zero or more, without a fraction.
fn is_whole(n: &serde_json::Number) -> bool {
    n.as_u64().is_some() || n.as_f64().is_some_and(|f| f >= 0.0 && f.fract() == 0.0)
}

/// A JSON value in an error message: a number as written, anything else by its type.
fn shown(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(_) => "a string".to_owned(),
        Value::Bool(_) => "a boolean".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
        Value::Null => "null".to_owned(),
    }
}
