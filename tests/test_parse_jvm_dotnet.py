"""parse_source() on Java and C#."""

from __future__ import annotations

from repomind.parse import Import, ParsedFile
from repomind.parse.symbols import parse_source


def _names(parsed: ParsedFile) -> list[tuple[str, str, str]]:
    return [(s.name, s.kind, s.parent) for s in parsed.symbols]


JAVA = b"""/*
 * Licensed to the Apache Software Foundation (ASF) under one or more contributor agreements.
 */
package com.acme.orders;

import java.util.List;
import java.util.concurrent.*;
import static org.junit.Assert.assertEquals;
import com.acme.billing.Invoice;

/**
 * Coordinates order placement.
 *
 * <p>Thread-safe.
 * @author ops
 */
@Service
public class OrderService extends BaseService implements Closeable {
    public static final int MAX_LINES = 100;
    private final Repository<Order> repo;

    public OrderService(Repository<Order> repo) { this.repo = repo; }

    /** Places an order and returns its invoice. */
    public Invoice place(Order order) throws OrderException {
        validator.check(order);
        Invoice invoice = new Invoice(order.total());
        repo.save(order);
        return invoice;
    }

    enum State { OPEN, CLOSED }

    interface Listener { void onPlaced(Order order); }
}

record Line(String sku, int qty) {}

@interface Audited {}
"""


def test_java_definitions_docs_and_package() -> None:
    parsed = parse_source("java", JAVA)
    assert _names(parsed) == [
        ("OrderService", "class", ""),
        ("MAX_LINES", "constant", "OrderService"),
        ("place", "method", "OrderService"),
        ("State", "enum", "OrderService"),
        ("Listener", "interface", "OrderService"),
        ("onPlaced", "method", "Listener"),
        ("Line", "class", ""),
        ("Audited", "interface", ""),
    ]
    service, place = parsed.symbols[0], parsed.symbols[2]
    assert service.doc == "Coordinates order placement."
    assert (service.line, service.end_line) == (17, 35)
    assert (place.line, place.end_line, place.doc) == (
        25,
        30,
        "Places an order and returns its invoice.",
    )
    assert parsed.extra == {"package": "com.acme.orders"}
    assert parsed.doc == ""  # the only header comment is a license


def test_java_imports_and_references() -> None:
    parsed = parse_source("java", JAVA)
    assert parsed.imports == (
        Import("java.util.List", 6),
        Import("java.util.concurrent", 7, ("*",)),
        Import("org.junit.Assert", 8, ("assertEquals",)),
        Import("com.acme.billing.Invoice", 9),
    )
    refs = dict(parsed.references)
    assert refs["Invoice"] == 3
    assert refs["Order"] == 4
    assert refs["BaseService"] == 1 and refs["Closeable"] == 1
    assert refs["Service"] == 1  # annotation
    assert refs["check"] == 1 and refs["validator"] == 1 and refs["save"] == 1
    assert refs["OrderException"] == 1


CSHARP = b"""// <copyright file="Ledger.cs" company="Acme">Copyright (c) Acme.</copyright>
using System;
using System.Collections.Generic;
using static System.Math;
using Json = Newtonsoft.Json.JsonConvert;

namespace Acme.Accounting
{
    /// <summary>
    /// Double-entry ledger. See <see cref="Entry"/>.
    /// </summary>
    /// <remarks>Not thread-safe.</remarks>
    [Serializable]
    public sealed class Ledger : IDisposable
    {
        public const int MaxEntries = 10000;
        private readonly List<Entry> _entries = new List<Entry>();

        /// <summary>Records an entry.</summary>
        public void Post(Entry entry)
        {
            Validator.Check(entry);
            _entries.Add(entry);
        }

        public void Dispose() => _entries.Clear();
    }

    public interface IAccount { decimal Balance(); }

    public enum Side { Debit, Credit }

    public record Entry(string Account, decimal Amount, Side Side);

    public delegate void Posted(Entry entry);

    namespace Reports
    {
        public struct Row { }
    }
}
"""


def test_csharp_definitions_and_xml_docs() -> None:
    parsed = parse_source("csharp", CSHARP)
    assert _names(parsed) == [
        ("Ledger", "class", ""),
        ("MaxEntries", "constant", "Ledger"),
        ("Post", "method", "Ledger"),
        ("Dispose", "method", "Ledger"),
        ("IAccount", "interface", ""),
        ("Balance", "method", "IAccount"),
        ("Side", "enum", ""),
        ("Entry", "class", ""),
        ("Posted", "type", ""),
        ("Row", "class", ""),
    ]
    ledger, post = parsed.symbols[0], parsed.symbols[2]
    assert ledger.doc == "Double-entry ledger. See Entry."
    assert post.doc == "Records an entry."
    assert (ledger.line, ledger.end_line) == (13, 27)
    assert parsed.extra == {"namespace": "Acme.Accounting;Acme.Accounting.Reports"}
    assert parsed.doc == ""


def test_csharp_usings_and_references() -> None:
    parsed = parse_source("csharp", CSHARP)
    assert parsed.imports == (
        Import("System", 2),
        Import("System.Collections.Generic", 3),
        Import("System.Math", 4),
        Import("Newtonsoft.Json.JsonConvert", 5),
    )
    refs = dict(parsed.references)
    assert refs["Entry"] == 4  # not the <see cref> in the doc comment
    assert refs["List"] == 2
    assert refs["IDisposable"] == 1
    assert refs["Validator"] == 1 and refs["Check"] == 1
    assert refs["Add"] == 1 and refs["Clear"] == 1
    assert refs["Serializable"] == 1
