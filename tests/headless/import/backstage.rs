//! Backstage: a catalog in the style of Backstage's own examples gives the expected
//! components, kinds, calls through APIs, system groups, entries, SPOFs and report; a broken
//! catalog is refused with its position.

use spofscope::io::import::{self, ImportFormat, Imported, backstage};
use spofscope::model::{ComponentKind, DependencyKind, Needs};

use super::{assert_laid_out, deps, fixture, kinds, owned, spofs};
use crate::support::fixture_path;

fn portal() -> Imported {
    let (text, file) = fixture("catalog-info.yaml");
    backstage::import(&text, &file).unwrap()
}

#[test]
fn components_resources_apis_and_systems_become_components_of_their_kinds() {
    let m = portal().model;
    use ComponentKind::*;
    assert_eq!(
        kinds(&m),
        vec![
            ("artist-web", Service, 1, true),
            ("artist-lookup", Service, 1, false),
            ("artist-ingest", Service, 1, false),
            ("playback-order", Service, 1, false),
            ("playback-order-dr", Service, 1, false),
            ("artists-db", Database, 1, false),
            ("artist-cache", Cache, 1, false),
            ("artist-events", Queue, 1, false),
            ("playback-queue", Queue, 1, false),
            ("media-bucket", Storage, 1, false),
            ("playback-api", Group, 1, false),
            ("wayback-search-api", External, 1, false),
            ("artist-engagement-portal", Group, 1, false),
            ("audio-playback", Group, 1, false),
        ]
    );
    let names: Vec<&str> = [
        "artist-web",
        "wayback-search-api",
        "artist-engagement-portal",
    ]
    .iter()
    .map(|id| m.component(id).unwrap().name.as_str())
    .collect();
    assert_eq!(
        names,
        ["Artist Web", "Wayback Search", "Artist Engagement Portal"]
    );
    assert_eq!(
        m.component("playback-api").unwrap().needs,
        Needs::AtLeast(1)
    );
    assert!(m.regions.is_empty());
    assert_laid_out(&m);
}

#[test]
fn depends_on_dependency_of_subcomponents_and_apis_become_dependencies() {
    let m = portal().model;
    use DependencyKind::Hard;
    assert_eq!(
        deps(&m),
        vec![
            ("artist-engagement-portal", "artist-cache", Hard),
            ("artist-engagement-portal", "artist-events", Hard),
            ("artist-engagement-portal", "artist-ingest", Hard),
            ("artist-engagement-portal", "artist-lookup", Hard),
            ("artist-engagement-portal", "artist-web", Hard),
            ("artist-engagement-portal", "artists-db", Hard),
            ("artist-ingest", "artist-events", Hard),
            ("artist-lookup", "artist-cache", Hard),
            ("artist-lookup", "artist-ingest", Hard),
            ("artist-lookup", "artists-db", Hard),
            ("artist-lookup", "wayback-search-api", Hard),
            ("artist-web", "artist-lookup", Hard),
            ("artist-web", "media-bucket", Hard),
            ("artist-web", "playback-api", Hard),
            ("audio-playback", "playback-order", Hard),
            ("audio-playback", "playback-order-dr", Hard),
            ("audio-playback", "playback-queue", Hard),
            ("playback-api", "playback-order", Hard),
            ("playback-api", "playback-order-dr", Hard),
            ("playback-order", "playback-queue", Hard),
            ("playback-order-dr", "playback-queue", Hard),
        ]
    );
}

#[test]
fn catalog_report_lists_what_is_not_modelled_and_each_decision() {
    assert_eq!(
        portal().notes,
        vec![
            "Component `playback-lib` is a library: it does not run, not modelled",
            "API `playback-api` is provided by 2 Components: a group that needs any one of them",
            "API `wayback-search-api` is provided by no Component: modelled as an External API",
            "`artist-ingest` depends on `resource:legacy-ftp`, which is not in the catalog: left out",
            "System `podcast` has no Component or Resource: not modelled",
            "1 `Domain` entity: not modelled",
            "1 `Group` entity: not modelled",
            "2 `User` entities: not modelled",
            "a catalog says nothing of replicas or zones: every component has 1 replica; set them in the model",
        ]
    );
}

#[test]
fn catalog_spofs_are_every_single_thing_behind_the_website_but_the_doubled_playback() {
    assert_eq!(
        spofs(&portal().model),
        owned(&[
            ("component", "playback-queue", &["artist-web"]),
            ("component", "artist-events", &["artist-web"]),
            ("component", "artist-cache", &["artist-web"]),
            ("component", "artist-ingest", &["artist-web"]),
            ("component", "artists-db", &["artist-web"]),
            ("component", "wayback-search-api", &["artist-web"]),
            ("component", "artist-lookup", &["artist-web"]),
            ("component", "media-bucket", &["artist-web"]),
            ("component", "artist-web", &["artist-web"]),
        ])
    );
}

#[test]
fn without_a_website_the_components_nothing_depends_on_are_entries() {
    let text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  type: service\n  dependsOn: [orders]\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\n  namespace: shop\nspec:\n  type: service\n";
    let Imported { model: m, notes } = backstage::import(text, "c.yaml").unwrap();
    assert_eq!(
        kinds(&m),
        vec![
            ("shop.api", ComponentKind::Service, 1, true),
            ("shop.orders", ComponentKind::Service, 1, false),
        ]
    );
    assert_eq!(
        deps(&m),
        vec![("shop.api", "shop.orders", DependencyKind::Hard)]
    );
    assert_eq!(
        notes[0],
        "no website Component: the Components nothing depends on are entries (shop.api)"
    );
}

#[test]
fn a_broken_catalog_is_refused_with_line_and_column() {
    let e = backstage::import(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  title: x\n",
        "c.yaml",
    )
    .unwrap_err();
    assert_eq!(e.location, Some((4, 3)));
    assert!(e.message.ends_with("missing field `name`"), "{e}");
    let e = backstage::import(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n  dependsOn: resource:db\n",
        "c.yaml",
    )
    .unwrap_err();
    assert_eq!(e.location, Some((6, 14)));
    let e = backstage::import(
        "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: a\n",
        "c.yaml",
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "no Component or Resource; expected a Backstage catalog (catalog-info.yaml)"
    );
}

#[test]
fn a_catalog_is_recognised_by_its_api_version() {
    let (text, _) = fixture("catalog-info.yaml");
    assert_eq!(
        import::guess_import_format(&fixture_path("import/catalog-info.yaml"), &text),
        Ok(ImportFormat::Backstage)
    );
}
