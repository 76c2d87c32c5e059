//! The PWA's storage, run in headless Chromium: IndexedDB, the vault in localStorage, and a
//! saved record that is ciphertext at rest.
//! `cargo test --target wasm32-unknown-unknown -p faltlogg --test web`.

#![cfg(target_arch = "wasm32")]

use faltlogg::idb::{self, StorageError, ENVELOPES, META, OUTBOX};
use faltlogg::journal;
use faltlogg::rng::PhoneRng;
use faltlogg::vault::{self, OpenVault, VaultContents, VaultError};
use faltlogg_core::api::{Role, UserInfo};
use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_core::crypto::{SymmetricKey, TeamKey};
use faltlogg_core::fold;
use faltlogg_core::hlc::Hlc;
use faltlogg_core::local::Snapshot;
use faltlogg_core::record::contact::{Contact, ContactKind};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn contents() -> VaultContents {
    VaultContents {
        user: UserInfo {
            id: Uuid::from_u128(1),
            username: "admin".into(),
            role: Role::Coordinator,
            team: Uuid::from_u128(2),
            team_name: "Demo".into(),
        },
        token: "token".into(),
        device: Some(Uuid::from_u128(3)),
        secrets: DeviceSecrets::generate(&mut PhoneRng),
        team_keys: vec![TeamKey {
            epoch: 1,
            key: SymmetricKey::generate(&mut PhoneRng),
        }],
        team_identity: None,
        identity_secret: None,
    }
}

#[wasm_bindgen_test]
async fn a_transaction_lands_whole_or_not_at_all() {
    idb::erase().await.unwrap();
    let tx = idb::transaction(&[OUTBOX, META], true).await.unwrap();
    idb::put_bytes(&tx, OUTBOX, "a", &[1, 2, 3]).unwrap();
    idb::put_value(&tx, META, "n", &JsValue::from_f64(7.0)).unwrap();
    idb::committed(&tx).await.unwrap();
    assert_eq!(
        idb::all_bytes(OUTBOX).await.unwrap(),
        vec![("a".to_string(), vec![1, 2, 3])]
    );

    let tx = idb::transaction(&[OUTBOX], true).await.unwrap();
    idb::put_bytes(&tx, OUTBOX, "b", &[4]).unwrap();
    tx.abort().unwrap();
    assert_eq!(idb::committed(&tx).await, Err(StorageError::Failed));
    assert_eq!(
        idb::count(OUTBOX).await.unwrap(),
        1,
        "an aborted transaction leaves nothing"
    );
}

/// A write the browser refuses as it is issued (here: a store outside the transaction) throws
/// at once. Left alone, the transaction still commits what was issued before it; through
/// `idb::write` it is aborted, and nothing of it lands.
#[wasm_bindgen_test]
async fn a_write_refused_as_it_is_issued_leaves_nothing_of_its_transaction() {
    idb::erase().await.unwrap();
    let refused = |tx: &web_sys::IdbTransaction, key: &str| {
        idb::put_bytes(tx, OUTBOX, key, &[1])?;
        idb::put_bytes(tx, ENVELOPES, key, &[2])
    };

    let tx = idb::transaction(&[OUTBOX], true).await.unwrap();
    assert!(refused(&tx, "alone").is_err());
    idb::committed(&tx).await.unwrap();
    assert_eq!(
        idb::all_bytes(OUTBOX).await.unwrap(),
        vec![("alone".to_string(), vec![1])],
        "without the abort, the write before the refused one lands"
    );

    let tx = idb::transaction(&[OUTBOX], true).await.unwrap();
    assert!(idb::write(&tx, || refused(&tx, "written")).is_err());
    assert_eq!(idb::committed(&tx).await, Err(StorageError::Failed));
    assert_eq!(
        idb::all_bytes(OUTBOX).await.unwrap(),
        vec![("alone".to_string(), vec![1])],
        "through idb::write, nothing of the transaction lands"
    );
}

/// A push's batch leaves the outbox in one range delete only when that range holds exactly the
/// batch: a key between them that is not in it (saved meanwhile, or held back) stays.
#[wasm_bindgen_test]
async fn deleting_keys_spares_every_key_between_them_that_is_not_named() {
    idb::erase().await.unwrap();
    let keys = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let tx = idb::transaction(&[OUTBOX], true).await.unwrap();
    for key in ["a1", "a2", "a3", "b1", "b2", "b3", "c1", "c3", "d1"] {
        idb::put_bytes(&tx, OUTBOX, key, &[1]).unwrap();
    }
    idb::committed(&tx).await.unwrap();
    let remaining = || async { idb::keys(OUTBOX).await.unwrap() };

    // The whole range, then one with a key between that is not named, then one naming a key
    // that is not there, each in a transaction that goes on writing after it.
    for (leaving, left) in [
        (
            &["a1", "a2", "a3"][..],
            &["b1", "b2", "b3", "c1", "c3", "d1"][..],
        ),
        (&["b1", "b3"][..], &["b2", "c1", "c3", "d1"][..]),
        (&["c1", "c2", "c3"][..], &["b2", "d1"][..]),
    ] {
        let tx = idb::transaction(&[OUTBOX, META], true).await.unwrap();
        idb::delete_keys(&tx, OUTBOX, &keys(leaving)).await.unwrap();
        idb::put_value(&tx, META, "after", &JsValue::from_f64(1.0)).unwrap();
        idb::committed(&tx).await.unwrap();
        assert_eq!(remaining().await, keys(left), "after deleting {leaving:?}");
    }

    // Nothing named, and a store outside the transaction: refused, and nothing lands.
    let tx = idb::transaction(&[OUTBOX], true).await.unwrap();
    idb::delete_keys(&tx, OUTBOX, &[]).await.unwrap();
    idb::put_bytes(&tx, OUTBOX, "e1", &[1]).unwrap();
    assert!(idb::delete_keys(&tx, META, &keys(&["b2"])).await.is_err());
    assert_eq!(idb::committed(&tx).await, Err(StorageError::Failed));
    assert_eq!(remaining().await, keys(&["b2", "d1"]));
}

#[wasm_bindgen_test]
async fn the_vault_opens_only_with_its_passphrase_and_is_ciphertext_at_rest() {
    vault::erase();
    assert!(!vault::exists());
    let open = OpenVault::create("en lång lösenfras", contents()).unwrap();
    assert!(vault::exists());
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item(vault::VAULT_KEY)
        .unwrap()
        .unwrap();
    assert!(
        !stored.contains("admin") && !stored.contains("token"),
        "the vault is sealed"
    );
    assert_eq!(
        OpenVault::unlock("fel lösenfras").err(),
        Some(VaultError::WrongPassphrase)
    );
    let again = OpenVault::unlock("en lång lösenfras").unwrap();
    assert_eq!(again.contents.user, open.contents.user);
    vault::erase();
    assert_eq!(
        OpenVault::unlock("en lång lösenfras").err(),
        Some(VaultError::Unreadable)
    );
}

/// Devices before the postcard API stored the sealed vault as JSON. It still opens, and is
/// written again in the new form, so no worker is signed out (or loses unsynced records) by
/// the update.
#[wasm_bindgen_test]
async fn a_vault_stored_as_json_by_an_earlier_version_still_opens() {
    use faltlogg_core::crypto::vault::{derive_kek, new_salt, KdfParams, SealedVault};
    vault::erase();
    let salt = new_salt(&mut PhoneRng);
    let kdf = KdfParams::default();
    let kek = derive_kek("en lång lösenfras", &salt, kdf).unwrap();
    let plaintext = postcard::to_allocvec(&contents()).unwrap();
    let legacy = SealedVault::seal(&kek, salt, kdf, &plaintext, &mut PhoneRng);
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let json = serde_json::to_string(&legacy).unwrap();
    assert!(json.starts_with('{'));
    storage.set_item(vault::VAULT_KEY, &json).unwrap();

    assert_eq!(
        OpenVault::unlock("fel lösenfras").err(),
        Some(VaultError::WrongPassphrase)
    );
    let open = OpenVault::unlock("en lång lösenfras").unwrap();
    assert_eq!(open.contents.user, contents().user);
    let rewritten = storage.get_item(vault::VAULT_KEY).unwrap().unwrap();
    assert_eq!(
        SealedVault::from_text(&rewritten).map(|v| v.salt),
        Some(salt)
    );
    let again = OpenVault::unlock("en lång lösenfras").unwrap();
    assert_eq!(again.contents.user, open.contents.user);

    // A damaged JSON vault is unreadable, not a panic.
    storage
        .set_item(vault::VAULT_KEY, &json.replace("\"salt\"", "\"sand\""))
        .unwrap();
    assert_eq!(
        OpenVault::unlock("en lång lösenfras").err(),
        Some(VaultError::Unreadable)
    );
    vault::erase();
}

/// Vaults from before team identities hold five fields, not seven: they still open, with no
/// identity pinned, and are written again in the new form.
#[wasm_bindgen_test]
async fn a_vault_from_before_team_identities_still_opens() {
    use faltlogg_core::crypto::vault::{derive_kek, new_salt, KdfParams, SealedVault};
    vault::erase();
    let salt = new_salt(&mut PhoneRng);
    let kdf = KdfParams::default();
    let kek = derive_kek("en lång lösenfras", &salt, kdf).unwrap();
    let now = contents();
    let before = (
        &now.user,
        &now.token,
        &now.device,
        &now.secrets,
        &now.team_keys,
    );
    let plaintext = postcard::to_allocvec(&before).unwrap();
    let sealed = SealedVault::seal(&kek, salt, kdf, &plaintext, &mut PhoneRng);
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage
        .set_item(vault::VAULT_KEY, &sealed.to_text())
        .unwrap();
    let open = OpenVault::unlock("en lång lösenfras").unwrap();
    assert_eq!(open.contents.user, now.user);
    assert_eq!(open.contents.team_keys, now.team_keys);
    assert!(open.contents.team_identity.is_none());
    let rewritten = storage.get_item(vault::VAULT_KEY).unwrap().unwrap();
    assert_ne!(rewritten, sealed.to_text(), "written again in the new form");
    let again = OpenVault::unlock("en lång lösenfras").unwrap();
    assert_eq!(again.contents.device, now.device);
    vault::erase();
}

#[wasm_bindgen_test]
async fn a_saved_contact_is_stored_sealed_queued_and_read_back() {
    idb::erase().await.unwrap();
    let vault = contents();
    let marker = "hemlig-anteckning-42";
    let change = fold::create(&Contact::simple(
        Uuid::from_u128(5),
        1_700_000_000_000,
        "Centrum",
        ContactKind::HomeVisit,
        marker,
    ));
    let before = journal::counters().await.unwrap();
    assert_eq!(before.device_seq, 0);
    let (envelope, after) = journal::save(&change, &vault, before, Hlc::default(), None)
        .await
        .unwrap();
    assert_eq!(envelope.header.device_seq, 1);
    assert_eq!(
        journal::counters().await.unwrap().device_seq,
        1,
        "stored with the change"
    );
    let stored = idb::all_bytes(ENVELOPES).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0]
            .1
            .windows(marker.len())
            .any(|w| w == marker.as_bytes()),
        "ciphertext only"
    );
    assert_eq!(idb::count(OUTBOX).await.unwrap(), 1);

    // A change seen from a device whose clock runs ahead: the next save is stamped after it.
    let ahead = Hlc {
        wall_ms: 4_000_000_000_000,
        counter: 7,
    };
    let (second, _) = journal::save(&change, &vault, after, ahead, None)
        .await
        .unwrap();
    assert_eq!(second.header.device_seq, 2);
    assert!(second.header.hlc > ahead && second.header.hlc > envelope.header.hlc);

    let storage = vault.secrets.storage_key();
    let view = journal::load(&vault.team_keys, &storage).await.unwrap();
    assert_eq!(
        view.fold.get::<Contact>(Uuid::from_u128(5)).unwrap().note,
        marker
    );
    let without_key = journal::load(&[], &storage).await.unwrap();
    assert_eq!(
        without_key.fold.count(faltlogg_core::record::Kind::Contact),
        0,
        "nothing opens without the team key"
    );
    assert!(
        without_key.covered.is_empty(),
        "what did not open is not covered"
    );
}

/// A person's records are sealed under the person's key; erasing the key drops every envelope
/// under it from the device (held and queued) and the snapshot, and nothing of the person
/// opens or folds again. A record under the team key stays.
#[wasm_bindgen_test]
async fn an_erased_persons_envelopes_and_the_snapshot_are_dropped_from_the_device() {
    use faltlogg_core::change::Change;
    use faltlogg_core::crypto::person::PersonKey;
    use faltlogg_core::envelope::Scope;
    use faltlogg_core::record::{Kind, Value};
    idb::erase().await.unwrap();
    let vault = contents();
    let storage = vault.secrets.storage_key();
    let person = Uuid::from_u128(77);
    let key = PersonKey::generate(person, &mut PhoneRng);
    let mut fold = fold::Fold::default();
    let mut counters = journal::counters().await.unwrap();
    let marker = "erased-alias-9c1";
    let changes = [
        Change::PersonKey(key.clone()),
        fold.set(
            Kind::Person,
            person,
            vec![(1, Value::text(marker))],
            Uuid::nil(),
        ),
        fold::create(&Contact::simple(
            Uuid::from_u128(5),
            1,
            "Centrum",
            ContactKind::Phone,
            "kvar",
        )),
    ];
    let mut scopes = Vec::new();
    for change in changes {
        let person_key = fold.key_for(&change).cloned();
        let (envelope, next) = journal::save(
            &change,
            &vault,
            counters,
            fold.max_hlc(),
            person_key.as_ref(),
        )
        .await
        .unwrap();
        scopes.push(envelope.header.scope);
        fold.apply_envelope(&envelope.header, change);
        counters = next;
    }
    assert_eq!(
        scopes,
        [Scope::Key(key.id), Scope::Person(key.id), Scope::Team]
    );
    let ids: Vec<String> = idb::keys(ENVELOPES).await.unwrap();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let loaded = journal::load(&vault.team_keys, &storage).await.unwrap();
    assert_eq!(
        loaded.fold.state(Kind::Person, person).map(|_| ()),
        Some(())
    );
    let (head, chunks) = faltlogg_core::local::Snapshot {
        fold: loaded.fold,
        covered: loaded.covered,
    }
    .seal(&storage, 1, &mut PhoneRng);
    journal::store_snapshot(head, chunks, 0).await.unwrap();

    journal::drop_erased(&[key.id]).await.unwrap();
    assert_eq!(idb::count(ENVELOPES).await.unwrap(), 1);
    assert_eq!(
        idb::count(OUTBOX).await.unwrap(),
        1,
        "the person's unsent changes too"
    );
    assert!(idb::keys(faltlogg::idb::SNAPSHOT).await.unwrap().is_empty());
    let after = journal::load(&vault.team_keys, &storage).await.unwrap();
    assert!(after.fold.state(Kind::Person, person).is_none());
    assert_eq!(
        after.fold.get::<Contact>(Uuid::from_u128(5)).unwrap().note,
        "kvar"
    );
}

/// Unlocking reads the snapshot and only the envelopes after it; a snapshot that does not open
/// (changed bytes, another device's key) is ignored and everything is read again.
#[wasm_bindgen_test]
async fn the_snapshot_spares_reading_what_it_holds_and_a_bad_one_is_ignored() {
    idb::erase().await.unwrap();
    let vault = contents();
    let storage = vault.secrets.storage_key();
    let mut counters = journal::counters().await.unwrap();
    for i in 0..5u128 {
        let contact = Contact::simple(
            Uuid::from_u128(100 + i),
            1,
            "Centrum",
            ContactKind::Phone,
            "snap",
        );
        counters = journal::save(
            &fold::create(&contact),
            &vault,
            counters,
            Hlc::default(),
            None,
        )
        .await
        .unwrap()
        .1;
    }
    let first = journal::load(&vault.team_keys, &storage).await.unwrap();
    assert_eq!(first.fresh, 5, "no snapshot yet: every envelope read");
    let (generation, old) = journal::next_snapshot().await.unwrap();
    assert_eq!((generation, old), (1, 0));
    let (head, chunks) = Snapshot::seal_parts(
        &first.fold,
        &first.covered,
        &storage,
        generation,
        &mut PhoneRng,
    );
    journal::store_snapshot(head, chunks, old).await.unwrap();
    let after = Contact::simple(Uuid::from_u128(200), 1, "Norr", ContactKind::Phone, "after");
    journal::save(
        &fold::create(&after),
        &vault,
        counters,
        Hlc::default(),
        None,
    )
    .await
    .unwrap();
    let second = journal::load(&vault.team_keys, &storage).await.unwrap();
    assert_eq!(second.fresh, 1, "only the envelope after the snapshot");
    assert_eq!(second.fold.count(faltlogg_core::record::Kind::Contact), 6);
    // Another device's storage key cannot open it: all six are read from the envelopes.
    let stranger = DeviceSecrets::generate(&mut PhoneRng).storage_key();
    let third = journal::load(&vault.team_keys, &stranger).await.unwrap();
    assert_eq!(third.fresh, 6);
    assert_eq!(third.fold, second.fold);
    // A changed chunk: ignored the same way.
    let tx = idb::transaction(&[idb::SNAPSHOT], true).await.unwrap();
    idb::put_bytes(&tx, idb::SNAPSHOT, "chunk:0", &[0u8; 64]).unwrap();
    idb::committed(&tx).await.unwrap();
    let fourth = journal::load(&vault.team_keys, &storage).await.unwrap();
    assert_eq!(fourth.fresh, 6);
    assert_eq!(fourth.fold, second.fold);
}
