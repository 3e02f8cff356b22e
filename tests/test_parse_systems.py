"""parse_source() on Go, Rust, C and C++."""

from __future__ import annotations

from repomind.parse import Import, ParsedFile
from repomind.parse.symbols import parse_source


def _names(parsed: ParsedFile) -> list[tuple[str, str, str]]:
    return [(s.name, s.kind, s.parent) for s in parsed.symbols]


def _docs(parsed: ParsedFile) -> dict[str, str]:
    return {s.name: s.doc for s in parsed.symbols}


GO = b"""// Copyright 2023 The Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license.

//go:build linux

// Package cache implements an in-memory LRU cache.
package cache

import (
	"container/list"
	"sync"

	lg "github.com/acme/log"
)

// DefaultSize is used when no size is given.
const DefaultSize = 128

const (
	// MinSize is the smallest cache.
	MinSize = 1
	maxSize = 1 << 20
)

type Key = string

// Cache is a fixed-size LRU cache.
type Cache struct {
	mu    sync.Mutex
	items map[Key]*list.Element
	order *list.List
}

// Store is what a cache offers.
type Store interface {
	Get(k Key) (any, bool)
}

// New builds a cache.
func New(size int) *Cache {
	if size < MinSize {
		size = DefaultSize
	}
	return &Cache{items: make(map[Key]*list.Element), order: list.New()}
}

// Get returns the value for k.
func (c *Cache) Get(k Key) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	lg.Debugf("get %s", k)
	return nil, false
}
"""


def test_go_definitions_and_docs() -> None:
    parsed = parse_source("go", GO)
    assert _names(parsed) == [
        ("DefaultSize", "constant", ""),
        ("MinSize", "constant", ""),
        ("maxSize", "constant", ""),
        ("Key", "type", ""),
        ("Cache", "class", ""),
        ("Store", "interface", ""),
        ("Get", "method", "Store"),
        ("New", "function", ""),
        ("Get", "method", "Cache"),
    ]
    docs = _docs(parsed)
    assert docs["DefaultSize"] == "DefaultSize is used when no size is given."
    assert docs["MinSize"] == "MinSize is the smallest cache."
    assert docs["Cache"] == "Cache is a fixed-size LRU cache."
    assert docs["New"] == "New builds a cache."
    method = parsed.symbols[-1]
    assert (method.line, method.end_line, method.doc) == (48, 53, "Get returns the value for k.")
    # license header and build constraint skipped; the package comment is the file doc
    assert parsed.doc == "Package cache implements an in-memory LRU cache."
    assert parsed.extra == {"package": "cache"}


def test_go_imports_and_references() -> None:
    parsed = parse_source("go", GO)
    assert parsed.imports == (
        Import("container/list", 10),
        Import("sync", 11),
        Import("github.com/acme/log", 13),
    )
    refs = dict(parsed.references)
    assert refs["Cache"] == 3  # *Cache result, &Cache{}, receiver; not the type_spec name
    assert refs["Key"] == 4
    assert refs["Lock"] == 1 and refs["Unlock"] == 1
    assert refs["Debugf"] == 1 and refs["lg"] == 1
    assert refs["make"] == 1
    assert refs["Mutex"] == 1


RUST = b"""//! Tokenizer for the config language.
//!
//! Second paragraph.

use std::collections::HashMap;
use crate::error::{Error, Result};
use super::span::*;
use self::state::State as S;

mod state;
pub mod rules {
    pub fn default_rules() -> Vec<Rule> { Vec::new() }
}

/// Maximum token length.
pub const MAX_LEN: usize = 256;
static GREETING: &str = "hi";

/// A lexical token.
#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Kind,
    pub text: String,
}

pub enum Kind { Ident, Number }

pub type Tokens = Vec<Token>;

/// Something that yields tokens.
pub trait Lexer {
    fn next_token(&mut self) -> Option<Token>;
    fn peek(&self) -> Option<&Token> { None }
}

impl Lexer for Tokenizer {
    /// Reads one token.
    fn next_token(&mut self) -> Option<Token> {
        let t = Token { kind: Kind::Ident, text: self.buf.clone() };
        self.table.insert(t.text.clone(), 1);
        Some(t)
    }
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str) -> Self { Cursor { src, pos: 0 } }
}

macro_rules! bail {
    ($e:expr) => { return Err($e.into()) };
}

fn helper() -> Result<()> { bail!(Error::Eof) }
"""


def test_rust_definitions_and_docs() -> None:
    parsed = parse_source("rust", RUST)
    assert _names(parsed) == [
        ("rules", "module", ""),
        ("default_rules", "function", "rules"),
        ("MAX_LEN", "constant", ""),
        ("GREETING", "constant", ""),
        ("Token", "class", ""),
        ("Kind", "enum", ""),
        ("Tokens", "type", ""),
        ("Lexer", "interface", ""),
        ("next_token", "method", "Lexer"),
        ("peek", "method", "Lexer"),
        ("next_token", "method", "Tokenizer"),
        ("new", "method", "Cursor"),
        ("bail", "macro", ""),
        ("helper", "function", ""),
    ]
    docs = _docs(parsed)
    assert docs["MAX_LEN"] == "Maximum token length."
    assert docs["Token"] == "A lexical token."  # doc comment above #[derive]
    assert docs["Lexer"] == "Something that yields tokens."
    assert parsed.symbols[10].doc == "Reads one token."
    assert parsed.doc == "Tokenizer for the config language."
    token = parsed.symbols[4]
    assert (token.line, token.end_line) == (21, 24)


def test_rust_imports_and_references() -> None:
    parsed = parse_source("rust", RUST)
    assert parsed.imports == (
        Import("std::collections::HashMap", 5),
        Import("crate::error", 6, ("Error", "Result")),
        Import("super::span", 7, ("*",)),
        Import("self::state::State", 8),
        Import("mod:state", 10),
    )
    refs = dict(parsed.references)
    assert refs["Token"] == 5  # uses only; the struct's own name is excluded
    assert refs["Tokenizer"] == 1 and refs["Cursor"] == 2
    assert refs["insert"] == 1 and refs["clone"] == 2
    assert refs["Eof"] == 1
    assert refs["bail"] == 1


C = b"""/*
 * Copyright (c) 2024 Example. MIT License.
 */

/* ring.c - fixed-size ring buffer. */

#include "ring.h"
#include "util/log.h"
#include <stdlib.h>
#include <string.h>

#define RING_MAGIC 0x52494e47
#define RING_NEXT(r, i) (((i) + 1) % (r)->cap)

/** Ring buffer state. */
typedef struct ring {
    size_t cap;
    size_t head;
    item_t *items;
} ring_t;

enum ring_status { RING_OK, RING_FULL };

// Creates a ring with room for cap items.
ring_t *ring_new(size_t cap) {
    ring_t *r = malloc(sizeof(ring_t));
    r->items = calloc(cap, sizeof(item_t));
    log_debug("ring_new %zu", cap);
    return r;
}

static int ring_push(ring_t *r, item_t item);
"""


def test_c_definitions_docs_and_includes() -> None:
    parsed = parse_source("c", C)
    assert _names(parsed) == [
        ("RING_MAGIC", "macro", ""),
        ("RING_NEXT", "macro", ""),
        ("ring_t", "type", ""),
        ("ring", "class", ""),
        ("ring_status", "enum", ""),
        ("ring_new", "function", ""),
        ("ring_push", "function", ""),
    ]
    docs = _docs(parsed)
    assert docs["ring_t"] == "Ring buffer state."
    assert docs["ring_new"] == "Creates a ring with room for cap items."
    new = next(s for s in parsed.symbols if s.name == "ring_new")
    assert (new.line, new.end_line) == (25, 30)
    assert parsed.doc == "ring.c - fixed-size ring buffer."
    assert parsed.imports == (
        Import("ring.h", 7),
        Import("util/log.h", 8),
        Import("stdlib.h", 9, ("<system>",)),
        Import("string.h", 10, ("<system>",)),
    )
    refs = dict(parsed.references)
    assert refs["malloc"] == 1 and refs["calloc"] == 1 and refs["log_debug"] == 1
    assert refs["item_t"] == 3  # including sizeof(item_t)
    assert refs["ring_t"] == 4  # uses; the typedef name itself is excluded
    assert refs["items"] == 1


CPP = b"""#pragma once
#include <vector>
#include "shape.hpp"

namespace geo {

/// A 2-D polygon.
template <typename T>
class Polygon : public Shape {
 public:
  explicit Polygon(std::vector<Point<T>> pts);
  /// Area by the shoelace formula.
  double area() const override;
  size_t size() const { return points_.size(); }

 private:
  std::vector<Point<T>> points_;
};

}  // namespace geo

template <typename T>
double geo::Polygon<T>::area() const {
  Accumulator acc(0.0);
  for (size_t i = 0; i < points_.size(); ++i) acc.add(cross(points_[i], points_[i + 1]));
  return acc.value() / 2.0;
}

using Coord = double;
"""


def test_cpp_definitions_and_references() -> None:
    parsed = parse_source("cpp", CPP)
    assert _names(parsed) == [
        ("geo", "module", ""),
        ("Polygon", "class", "geo"),
        ("Polygon", "method", "Polygon"),  # constructor declaration
        ("area", "method", "Polygon"),
        ("size", "method", "Polygon"),
        ("area", "method", "Polygon"),
        ("Coord", "type", ""),
    ]
    docs = [s.doc for s in parsed.symbols]
    assert docs[1] == "A 2-D polygon."
    assert docs[3] == "Area by the shoelace formula."
    out_of_line = parsed.symbols[5]
    assert (out_of_line.line, out_of_line.end_line) == (23, 27)
    assert parsed.imports == (Import("vector", 2, ("<system>",)), Import("shape.hpp", 3))
    refs = dict(parsed.references)
    assert refs["Shape"] == 1 and refs["Point"] == 2 and refs["Accumulator"] == 1
    assert refs["cross"] == 1 and refs["add"] == 1
    assert "acc" not in {s.name for s in parsed.symbols}  # `Accumulator acc(0.0);` is a variable
