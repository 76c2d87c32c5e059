//! The fold's promise, on random histories: any order, repetition and partition of edits from
//! several devices gives every device the same state, and every edit that no later edit saw
//! (a concurrent one) is still there, as the value or as one side of a conflict.
//!
//! CI runs 10,000 cases (the default here). A longer run:
//! `PROPTEST_CASES=1000000 cargo test --release -p faltlogg-core --test fold_properties`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use faltlogg_core::change::{Change, Stamp};
use faltlogg_core::fold::Fold;
use faltlogg_core::hlc::Hlc;
use faltlogg_core::record::{FieldId, Kind, Value};
use proptest::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone)]
enum Op {
    /// A device edits fields of a record (one change may set several fields).
    Edit {
        device: usize,
        record: u8,
        fields: Vec<(FieldId, u8)>,
    },
    /// One device hands everything it holds to another, in a shuffled order with repeats.
    Sync { from: usize, to: usize, seed: u64 },
    /// Time passes on one device's clock (clocks drift apart).
    Tick { device: usize, ms: u64 },
}

const DEVICES: usize = 4;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..DEVICES, 0u8..3, prop::collection::vec((1u8..4, 0u8..4), 1..3))
            .prop_map(|(device, record, fields)| Op::Edit { device, record, fields }),
        3 => (0..DEVICES, 0..DEVICES, any::<u64>()).prop_map(|(from, to, seed)| Op::Sync { from, to, seed }),
        1 => (0..DEVICES, 0u64..3).prop_map(|(device, ms)| Op::Tick { device, ms }),
    ]
}

/// A small deterministic shuffle with repeats, from a seed.
fn scramble<T: Clone>(items: &[T], mut seed: u64) -> Vec<T> {
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut out: Vec<T> = items.to_vec();
    for i in (1..out.len()).rev() {
        out.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    let repeats = out.len() / 3;
    for _ in 0..repeats {
        let pick = out[(next() % out.len() as u64) as usize].clone();
        out.push(pick);
    }
    out
}

#[derive(Default, Clone)]
struct Device {
    fold: Fold,
    held: BTreeMap<Stamp, Change>,
    clock_ms: u64,
    hlc: Hlc,
}

impl Device {
    fn receive(&mut self, stamp: Stamp, change: Change) {
        self.fold.apply(stamp, change.clone());
        self.held.insert(stamp, change);
    }
}

/// The ground truth of one field write: which writes to the same field its device held.
struct Truth {
    key: (u8, FieldId),
    saw: BTreeSet<Stamp>,
}

fn run(ops: &[Op], final_seed: u64) -> Result<(), TestCaseError> {
    let ids: Vec<Uuid> = (0..DEVICES as u128)
        .map(|d| Uuid::from_u128(d + 1))
        .collect();
    let mut devices = vec![Device::default(); DEVICES];
    let mut truth: BTreeMap<Stamp, Vec<Truth>> = BTreeMap::new();
    for op in ops {
        match op {
            Op::Tick { device, ms } => devices[*device].clock_ms += ms,
            Op::Edit {
                device,
                record,
                fields,
            } => {
                let d = &mut devices[*device];
                // As the app does: stamp after everything merged here.
                d.hlc = d.hlc.max(d.fold.max_hlc()).tick(d.clock_ms);
                let stamp = Stamp {
                    hlc: d.hlc,
                    device: ids[*device],
                };
                let mut fields = fields.clone();
                fields.sort_by_key(|(f, _)| *f);
                fields.dedup_by_key(|(f, _)| *f);
                let writes: Vec<(FieldId, Value)> = fields
                    .iter()
                    .map(|&(f, v)| (f, Value::Int(v.into())))
                    .collect();
                let change = d.fold.set(
                    Kind::Contact,
                    Uuid::from_u128(100 + *record as u128),
                    writes,
                    ids[*device],
                );
                let mut facts = Vec::new();
                for &(f, _) in &fields {
                    let saw = truth
                        .iter()
                        .filter(|(s, _)| d.held.contains_key(s))
                        .flat_map(|(s, ts)| {
                            ts.iter().filter(|t| t.key == (*record, f)).map(move |_| *s)
                        })
                        .collect();
                    facts.push(Truth {
                        key: (*record, f),
                        saw,
                    });
                }
                truth.insert(stamp, facts);
                d.receive(stamp, change);
            }
            Op::Sync { from, to, seed } => {
                let sent: Vec<(Stamp, Change)> = devices[*from].held.clone().into_iter().collect();
                for (stamp, change) in scramble(&sent, *seed) {
                    devices[*to].receive(stamp, change);
                }
            }
        }
    }
    // Heal the partition: every device gets everything, each in its own order.
    let all: Vec<(Stamp, Change)> = devices
        .iter()
        .flat_map(|d| d.held.clone())
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect();
    for (i, d) in devices.iter_mut().enumerate() {
        for (stamp, change) in scramble(&all, final_seed.wrapping_add(i as u64 * 7919) | 1) {
            d.receive(stamp, change);
        }
    }
    let mut fresh = Fold::default();
    for (stamp, change) in all.iter().rev() {
        fresh.apply(*stamp, change.clone());
    }
    for d in &devices {
        prop_assert_eq!(&d.fold, &fresh, "devices disagree");
    }
    // Every write that no other write saw is still current; every other write is gone.
    let mut writes_by_field: BTreeMap<(u8, FieldId), Vec<Stamp>> = BTreeMap::new();
    for (stamp, facts) in &truth {
        for t in facts {
            writes_by_field.entry(t.key).or_default().push(*stamp);
        }
    }
    for ((record, field), stamps) in writes_by_field {
        let superseded: BTreeSet<Stamp> = truth
            .values()
            .flatten()
            .filter(|t| t.key == (record, field))
            .flat_map(|t| t.saw.iter().copied())
            .collect();
        let expected: BTreeSet<Stamp> = stamps
            .into_iter()
            .filter(|s| !superseded.contains(s))
            .collect();
        let state = fresh
            .state(Kind::Contact, Uuid::from_u128(100 + record as u128))
            .unwrap();
        let current: BTreeSet<Stamp> = state
            .field(field)
            .unwrap()
            .writes()
            .map(|w| w.stamp)
            .collect();
        prop_assert_eq!(&current, &expected, "record {} field {}", record, field);
        // The shown value is the greatest stamp's.
        let shown = state.field(field).unwrap().writes().next().unwrap().stamp;
        prop_assert_eq!(Some(&shown), expected.iter().next_back());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_device_converges_and_no_concurrent_edit_is_lost(
        ops in prop::collection::vec(op(), 1..40),
        final_seed in any::<u64>(),
    ) {
        run(&ops, final_seed)?;
    }
}
