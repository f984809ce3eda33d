//! A deterministic pseudo-random sequence (xorshift): the same data every run, from a seed.

pub struct Rng(pub u64);

impl Rng {
    /// A number below `n`.
    pub fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }

    /// A number below `n`, as u64.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next(n.max(1) as usize) as u64
    }
}
