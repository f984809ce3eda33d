//! Chinese analysis that never misses: every character that is not whitespace is a token
//! (ASCII lower-cased), so a phrase of character tokens matches exactly the places where the
//! query occurs, whatever a word segmenter would have decided. Character bigrams are indexed
//! alongside for ranking.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

pub const UNIGRAM: &str = "fazhi_unigram";
pub const BIGRAM: &str = "fazhi_bigram";

/// The characters that make tokens, with their byte offsets.
pub fn chars(text: &str) -> Vec<(usize, char)> {
    text.char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .map(|(i, c)| (i, c.to_ascii_lowercase()))
        .collect()
}

#[derive(Clone, Default)]
pub struct Unigrams;

#[derive(Clone, Default)]
pub struct Bigrams;

pub struct Stream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for Stream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for Unigrams {
    type TokenStream<'a> = Stream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Stream {
        let tokens = chars(text)
            .into_iter()
            .enumerate()
            .map(|(position, (offset, c))| Token {
                offset_from: offset,
                offset_to: offset + c.len_utf8(),
                position,
                text: c.to_string(),
                position_length: 1,
            })
            .collect();
        Stream { tokens, next: 0 }
    }
}

impl Tokenizer for Bigrams {
    type TokenStream<'a> = Stream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Stream {
        let cs = chars(text);
        let tokens = cs
            .windows(2)
            .enumerate()
            .map(|(position, w)| Token {
                offset_from: w[0].0,
                offset_to: w[1].0 + w[1].1.len_utf8(),
                position,
                text: format!("{}{}", w[0].1, w[1].1),
                position_length: 1,
            })
            .collect();
        Stream { tokens, next: 0 }
    }
}

/// The bigrams of a query term.
pub fn bigrams(term: &str) -> Vec<String> {
    chars(term)
        .windows(2)
        .map(|w| format!("{}{}", w[0].1, w[1].1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(mut s: Stream) -> Vec<String> {
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn every_character_is_a_token_and_whitespace_is_not() {
        assert_eq!(
            texts(Unigrams.token_stream("第二十条 AB")),
            ["第", "二", "十", "条", "a", "b"]
        );
        assert_eq!(
            texts(Bigrams.token_stream("行政 复议")),
            ["行政", "政复", "复议"]
        );
        assert!(texts(Bigrams.token_stream("法")).is_empty());
    }
}
