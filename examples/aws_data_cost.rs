//! What the embedded AWS data costs at run time: the first managed-policy lookup (a binary
//! search over the shipped index, then decoding one document), later lookups, decoding
//! every document, the first `actions()` call, and lookups, expansions and suggestions
//! against the catalog. Each "first" figure is a cold, once-per-process cost, page faults
//! on the embedded data included.
//!
//! cargo run --release --example aws_data_cost

use std::hint::black_box;
use std::time::{Duration, Instant};

use ssmlint::aws_data;

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Mean time of `f` over enough runs to take about 50 ms.
fn mean<T>(mut f: impl FnMut() -> T) -> Duration {
    let (_, once) = time(&mut f);
    let runs = (50_000_000 / once.as_nanos().max(1)).clamp(1, 1_000_000) as u32;
    let (_, total) = time(|| {
        for _ in 0..runs {
            black_box(f());
        }
    });
    total / runs
}

fn main() {
    let (core, first) = time(|| aws_data::managed_policy("AmazonSSMManagedInstanceCore"));
    let core = core.expect("AmazonSSMManagedInstanceCore");
    println!(
        "first managed_policy lookup (index + decode {} bytes): {first:?}",
        core.document.len()
    );
    let (_, second) = time(|| aws_data::managed_policy("AmazonEC2RoleforSSM"));
    println!("second lookup, another policy (decode only): {second:?}");
    let (big, big_time) = time(|| aws_data::managed_policy("AWSSupportServiceRolePolicy"));
    println!(
        "lookup of the largest policy ({} bytes): {big_time:?}",
        big.map_or(0, |p| p.document.len())
    );
    println!(
        "repeated lookup (decoded already): {:?}",
        mean(|| aws_data::managed_policy(black_box("AmazonSSMManagedInstanceCore")))
    );
    println!(
        "repeated lookup by ARN: {:?}",
        mean(|| aws_data::managed_policy_by_arn(black_box(
            "arn:aws-us-gov:iam::aws:policy/service-role/AmazonEC2RoleforSSM"
        )))
    );
    let (bytes, all) = time(|| {
        aws_data::managed_policies()
            .map(|p| p.document.len())
            .sum::<usize>()
    });
    println!("decoding every other document ({bytes} bytes of JSON): {all:?}");

    let (catalog, index) = time(aws_data::actions);
    println!(
        "actions() first call ({} actions, {} services; nothing to build): {index:?}",
        catalog.len(),
        catalog.services().count()
    );
    type Case<'a> = (&'static str, Box<dyn Fn() -> usize + 'a>);
    let cases: [Case; 10] = [
        (
            "lookup(\"SSM:startsession\")",
            Box::new(|| catalog.lookup(black_box("SSM:startsession")).is_some() as usize),
        ),
        (
            "matches_any(\"ssm:StartSession\")",
            Box::new(|| catalog.matches_any(black_box("ssm:StartSession")) as usize),
        ),
        (
            "matches_any(\"ssm*:*\")",
            Box::new(|| catalog.matches_any(black_box("ssm*:*")) as usize),
        ),
        (
            "matches_any(\"ssmmessage:*\") (no match)",
            Box::new(|| catalog.matches_any(black_box("ssmmessage:*")) as usize),
        ),
        (
            "expand(\"ssm:Start*\")",
            Box::new(|| catalog.expand(black_box("ssm:Start*")).len()),
        ),
        (
            "expand(\"ssm*:*\")",
            Box::new(|| catalog.expand(black_box("ssm*:*")).len()),
        ),
        (
            "expand(\"*Session\")",
            Box::new(|| catalog.expand(black_box("*Session")).len()),
        ),
        (
            "expand(\"*\")",
            Box::new(|| catalog.expand(black_box("*")).len()),
        ),
        (
            "suggest(\"ssm:StartSessions\")",
            Box::new(|| {
                catalog
                    .suggest(black_box("ssm:StartSessions"))
                    .map_or(0, |s| s.len())
            }),
        ),
        (
            "suggest(\"ssmmessage:CreateControlChannel\")",
            Box::new(|| {
                catalog
                    .suggest(black_box("ssmmessage:CreateControlChannel"))
                    .map_or(0, |s| s.len())
            }),
        ),
    ];
    for (what, f) in &cases {
        println!("{what} -> {}: {:?}", f(), mean(f));
    }
    // For comparison: what an in-memory index would cost (the first design built one).
    let (names, built) = time(|| catalog.iter().map(|a| a.full_name).collect::<Vec<_>>());
    let in_memory = |action: &str| {
        names
            .binary_search_by(|n| {
                n.bytes()
                    .map(|b| b.to_ascii_lowercase())
                    .cmp(action.bytes().map(|b| b.to_ascii_lowercase()))
            })
            .is_ok()
    };
    println!(
        "reference: building an in-memory name index: {built:?}; a lookup in it: {:?}",
        mean(|| in_memory(black_box("SSM:startsession")))
    );
    let nasty = format!("{}b", "*a".repeat(40));
    println!(
        "expand(\"*a*a…*ab\", 40 stars): {:?}",
        mean(|| catalog.expand(black_box(&nasty)).len())
    );
    println!(
        "suggest(\"nosuchservice:Thing\") -> {:?}: {:?}",
        catalog.suggest("nosuchservice:Thing"),
        mean(|| catalog.suggest(black_box("nosuchservice:Thing")))
    );
    println!("data: {}", aws_data::data_version());
}
