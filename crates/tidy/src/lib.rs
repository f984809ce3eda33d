//! Nothing here: the checks are in `tests/tidy.rs` (after rust-analyzer's `xtask/src/tidy.rs`).
