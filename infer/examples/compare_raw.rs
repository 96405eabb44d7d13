//! Runs a model on a raw float32 input and compares its outputs with raw float32 files from
//! another runtime (see `reference/make_fixtures.py --raw`):
//!
//! `cargo run -p smp-infer --release --example compare_raw -- MODEL INPUT.f32 OUT0.f32 [OUT1.f32 ...]`
//!
//! Prints, per output, the largest and mean absolute difference and the reference's range.

fn read_f32(path: &str) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: compare_raw MODEL INPUT.f32 OUT0.f32 [OUT1.f32 ...]");
        std::process::exit(2);
    }
    let file = std::fs::read(&args[0]).unwrap_or_else(|e| panic!("{}: {e}", args[0]));
    let mut model =
        smp_infer::model::Model::from_bytes(&file).unwrap_or_else(|e| panic!("{}: {e}", args[0]));
    let input = read_f32(&args[1]);
    let outputs = model.run(&input).unwrap_or_else(|e| panic!("run: {e}"));
    for (i, (got, path)) in outputs.iter().zip(&args[2..]).enumerate() {
        let want = read_f32(path);
        assert_eq!(got.len(), want.len(), "output {i}: length");
        let diffs: Vec<f32> = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).collect();
        let max = diffs.iter().copied().fold(0.0, f32::max);
        let mean = diffs.iter().sum::<f32>() / diffs.len() as f32;
        let (lo, hi) = want
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        println!(
            "output {i}: {} values, max |diff| {max:.3e}, mean |diff| {mean:.3e}, reference range [{lo:.3}, {hi:.3}]",
            got.len()
        );
    }
}
