//! `az vm delete` (Azure CLI) deletes virtual machines: `instance-delete`, naming them
//! (`-n/--name`, or `--ids`) and their resource group, and asking whether a snapshot
//! exists; the advice is `az snapshot create`. `--yes` only skips az's own prompt, so it
//! changes nothing here. Everything else az does is `allow` here. Not covered: `vmss
//! delete`, `group delete`, `disk delete`.

use super::cloud;
use super::{Analysis, Invocation};

/// Options of `az vm delete` and az's global options that take one value.
const VALUED: &[&str] = &[
    "name",
    "n",
    "resource-group",
    "g",
    "subscription",
    "output",
    "o",
    "query",
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let mut words = Vec::new();
    let mut names = Vec::new();
    let mut group = None;
    let mut i = 0;
    while i < inv.args.len() {
        let arg = &inv.args[i];
        i += 1;
        let text = arg.text().into_owned();
        let option = text
            .strip_prefix("--")
            .or_else(|| text.strip_prefix('-'))
            .filter(|o| arg.exact && !o.is_empty());
        let Some(option) = option else {
            words.push(text);
            continue;
        };
        let (name, inline) = match option.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (option, None),
        };
        let mut values = Vec::new();
        match (name, inline) {
            (_, Some(v)) => values.push(v),
            ("ids", None) => {
                while let Some(next) = inv.args.get(i).filter(|a| !a.text().starts_with('-')) {
                    values.push(next.text().into_owned());
                    i += 1;
                }
            }
            // A three-state flag: `--force-deletion`, or with `true`/`false` after it.
            ("force-deletion", None)
                if inv.args.get(i).is_some_and(|a| {
                    matches!(
                        a.text().to_lowercase().as_str(),
                        "true" | "false" | "yes" | "no"
                    )
                }) =>
            {
                i += 1;
            }
            (n, None) if VALUED.contains(&n) => {
                values.extend(inv.args.get(i).map(|a| a.text().into_owned()));
                i += 1;
            }
            _ => {}
        }
        match name {
            "name" | "n" => names.extend(values),
            // A resource id ends in .../virtualMachines/NAME.
            "ids" => names.extend(
                values
                    .iter()
                    .map(|id| id.rsplit('/').next().unwrap_or(id).to_string()),
            ),
            "resource-group" | "g" => group = values.pop(),
            _ => {}
        }
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if words.as_slice() == ["vm", "delete"] {
        let first = names.first().map_or("VM", String::as_str).to_string();
        let rg = group.as_deref().unwrap_or("RG");
        let place = group.as_ref().map(|g| format!("resource group {g}"));
        cloud::instance_delete(
            &mut analysis,
            "az vm delete",
            "VM",
            &names,
            place.as_deref(),
            format!(
                "snapshot its OS disk first: `az snapshot create -g {rg} -n {first}-before-delete --source \
                 \"$(az vm show -g {rg} -n {first} --query storageProfile.osDisk.managedDisk.id -o tsv)\"`; \
                 `az vm deallocate` keeps it"
            ),
        );
    }
    analysis
}
