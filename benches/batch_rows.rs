//! Reading a batch file: 100,000 rows must read in well under a second, in time linear in
//! the file (the line of each row is counted once, not from the start of the file).

use std::hint::black_box;

use ccc_dial::cli::batch::{Defaults, parse_rows};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn file(rows: usize) -> String {
    let mut csv = String::from("callee,callers,var.name,var.dify-inputs-user\n");
    for i in 0..rows {
        csv.push_str(&format!("0086130{i:08},,person {i},user-{i}@example.com\n"));
    }
    csv
}

fn bench(c: &mut Criterion) {
    let defaults = Defaults {
        sdk_app_id: "1400000000".into(),
        agent: Some("15".into()),
        callers: vec!["008601012345678".into()],
        ..Defaults::default()
    };
    let mut group = c.benchmark_group("read a batch file");
    group.sample_size(10);
    for rows in [10_000, 100_000] {
        let csv = file(rows);
        group.bench_with_input(BenchmarkId::from_parameter(rows), &csv, |b, csv| {
            b.iter(|| parse_rows(black_box(csv.as_bytes()), &defaults).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
