"""parse_source() on JavaScript, TypeScript and TSX."""

from __future__ import annotations

from repomind.parse import Import, ParsedFile
from repomind.parse.symbols import parse_source

JS = b"""// SPDX-License-Identifier: MIT

/**
 * Shopping cart store.
 */
'use strict';
const { formatPrice } = require('./format');
import React, { useState as useLocal, useEffect } from 'react';
import * as api from "../api/client.js";
export { Cart as default } from './cart';
export * from './types';

export const MAX_ITEMS = 50;
const TAX_RATE = 0.2;
const cache = new Map();

/**
 * Adds up the line totals.
 * @param {Item[]} items
 */
export function total(items) {
  return items.reduce((sum, item) => sum + item.price * item.qty, 0);
}

export const checkout = async (cart) => {
  const mod = await import('./payment');
  return api.post('/checkout', cart);
};

// Persistent cart.
class Store extends EventEmitter {
  constructor() { super(); this.items = []; }
  /** Adds an item. */
  add(item) { this.items.push(item); this.emit('change'); }
}

export function CartView({ store }) {
  return <Panel title="Cart"><ItemList items={store.items} /></Panel>;
}
"""


def _names(parsed: ParsedFile) -> list[tuple[str, str, str]]:
    return [(s.name, s.kind, s.parent) for s in parsed.symbols]


def test_javascript_definitions() -> None:
    parsed = parse_source("javascript", JS)
    assert _names(parsed) == [
        ("MAX_ITEMS", "constant", ""),
        ("TAX_RATE", "constant", ""),
        ("total", "function", ""),
        ("checkout", "function", ""),
        ("Store", "class", ""),
        ("add", "method", "Store"),
        ("CartView", "function", ""),
    ]
    by_name = {s.name: s for s in parsed.symbols}
    assert (by_name["total"].line, by_name["total"].end_line) == (21, 23)
    assert (by_name["Store"].line, by_name["Store"].end_line) == (31, 35)
    assert not parsed.has_errors


def test_javascript_docs() -> None:
    parsed = parse_source("javascript", JS)
    docs = {s.name: s.doc for s in parsed.symbols}
    assert docs["total"] == "Adds up the line totals."
    assert docs["Store"] == "Persistent cart."
    assert docs["add"] == "Adds an item."
    assert docs["checkout"] == ""
    assert parsed.doc == "Shopping cart store."  # SPDX header skipped


def test_javascript_imports() -> None:
    assert parse_source("javascript", JS).imports == (
        Import("./format", 7),
        Import("react", 8, ("React", "useState", "useEffect")),
        Import("../api/client.js", 9, ("*",)),
        Import("./cart", 10, ("Cart",)),
        Import("./types", 11, ("*",)),
        Import("./payment", 26),
    )


def test_javascript_references() -> None:
    refs = dict(parse_source("javascript", JS).references)
    assert refs["EventEmitter"] == 1
    assert refs["Map"] == 1  # new Map()
    assert refs["reduce"] == 1
    assert refs["api"] == 1 and refs["post"] == 1
    assert refs["Panel"] == 1 and refs["ItemList"] == 1  # JSX components
    assert refs["items"] == 4
    assert "require" not in refs and "this" not in refs and "const" not in refs


TS = b"""import { Injectable } from '@angular/core';
import type { User } from './models/user';

/** Service lookup key. */
export const TOKEN = Symbol('users');

export interface Repository<T> {
  find(id: string): Promise<T | undefined>;
  save(item: T): Promise<void>;
}

export type UserMap = Map<string, User>;

export enum Role { Admin, Guest }

declare namespace Legacy {
  function oldLookup(id: number): User;
}

@Injectable()
export class UserService implements Repository<User> {
  private readonly store: UserMap = new Map();

  constructor(private http: HttpClient) {}

  async find(id: string): Promise<User | undefined> {
    return this.store.get(id) ?? (await this.http.get<User>(`/users/${id}`));
  }

  save(item: User): Promise<void> {
    this.store.set(item.id, item);
    return Promise.resolve();
  }
}

export abstract class Base {
  abstract describe(): string;
}
"""


def test_typescript_definitions() -> None:
    parsed = parse_source("typescript", TS)
    assert _names(parsed) == [
        ("TOKEN", "constant", ""),
        ("Repository", "interface", ""),
        ("find", "method", "Repository"),
        ("save", "method", "Repository"),
        ("UserMap", "type", ""),
        ("Role", "enum", ""),
        ("Legacy", "module", ""),
        ("oldLookup", "function", "Legacy"),
        ("UserService", "class", ""),
        ("find", "method", "UserService"),
        ("save", "method", "UserService"),
        ("Base", "class", ""),
        ("describe", "method", "Base"),
    ]
    service = next(s for s in parsed.symbols if s.name == "UserService")
    assert (service.line, service.end_line) == (21, 34)
    assert next(s for s in parsed.symbols if s.name == "TOKEN").doc == "Service lookup key."
    assert not parsed.has_errors


def test_typescript_imports_and_type_references() -> None:
    parsed = parse_source("typescript", TS)
    assert parsed.imports == (
        Import("@angular/core", 1, ("Injectable",)),
        Import("./models/user", 2, ("User",)),
    )
    refs = dict(parsed.references)
    assert refs["User"] == 6
    assert refs["Repository"] == 1  # implements clause; the interface's own name is excluded
    assert refs["UserMap"] == 1
    assert refs["HttpClient"] == 1
    assert refs["Promise"] == 5
    assert "string" not in refs  # predefined types are keywords


TSX = b"""import { Button } from './Button';

type Props = { label: string };

/** A labelled button. */
export function LabelButton({ label }: Props) {
  return <Button.Primary onClick={track}><Icon kind="star" />{label}</Button.Primary>;
}
"""


def test_tsx_parses_jsx_with_types() -> None:
    parsed = parse_source("tsx", TSX)
    assert not parsed.has_errors
    assert _names(parsed) == [("Props", "type", ""), ("LabelButton", "function", "")]
    assert parsed.symbols[1].doc == "A labelled button."
    refs = dict(parsed.references)
    assert refs["Icon"] == 1
    assert refs["Primary"] == 2 and refs["Button"] == 2
    assert refs["Props"] == 1
    assert parsed.imports == (Import("./Button", 1, ("Button",)),)
