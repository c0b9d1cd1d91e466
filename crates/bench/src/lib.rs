//! Benchmarks behind `ansinh bench`: the demo city at three sizes, each figure the median of
//! repeated runs, written to `docs/BENCHMARKS.md`. Benchmarks, not tests: nothing here asserts a
//! time; the test suite checks instead that each fast path answers exactly as the plain one.

pub mod search;
