"""parse_source() on Ruby, PHP and Bash."""

from __future__ import annotations

from repomind.parse import Import, ParsedFile
from repomind.parse.symbols import parse_source


def _names(parsed: ParsedFile) -> list[tuple[str, str, str]]:
    return [(s.name, s.kind, s.parent) for s in parsed.symbols]


RUBY = b"""# frozen_string_literal: true

require 'json'
require_relative '../support/money'

# Billing domain objects.
module Billing
  CURRENCY = 'EUR'

  # An invoice with line items.
  class Invoice < Document
    include Comparable

    # Total including tax.
    def total
      Money.new(lines.sum(&:amount)).round(2)
    end

    def self.parse(json)
      new(JSON.parse(json))
    end
  end
end

def helper?
  Billing::Invoice.parse('{}')
end
"""


def test_ruby_definitions_docs_and_requires() -> None:
    parsed = parse_source("ruby", RUBY)
    assert _names(parsed) == [
        ("Billing", "module", ""),
        ("CURRENCY", "constant", "Billing"),
        ("Invoice", "class", "Billing"),
        ("total", "method", "Invoice"),
        ("parse", "method", "Invoice"),
        ("helper?", "function", ""),
    ]
    docs = {s.name: s.doc for s in parsed.symbols}
    assert docs["Billing"] == "Billing domain objects."
    assert docs["Invoice"] == "An invoice with line items."
    assert docs["total"] == "Total including tax."
    invoice = parsed.symbols[2]
    assert (invoice.line, invoice.end_line) == (11, 22)
    assert parsed.imports == (
        Import("json", 3),
        Import("../support/money", 4, ("<relative>",)),
    )
    refs = dict(parsed.references)
    assert refs["Money"] == 1 and refs["JSON"] == 1 and refs["Document"] == 1
    assert refs["Comparable"] == 1
    assert refs["Invoice"] == 1  # the use in helper?, not the class definition
    assert refs["round"] == 1 and refs["sum"] == 1
    assert "new" not in refs and "require" not in refs
    assert parsed.doc == ""  # the magic comment is a directive, the module doc is Billing's


PHP = b"""<?php
/**
 * Invoice model file.
 */
declare(strict_types=1);

namespace App\\Billing;

use App\\Support\\Money;
use Illuminate\\Database\\{Model, Builder as QueryBuilder};
use function App\\Support\\format_money;

require_once __DIR__ . '/helpers.php';
include 'config/billing.php';

define('TAX_RATE', 0.2);

/**
 * An invoice.
 */
final class Invoice extends Model implements Payable
{
    use HasLines;

    public const STATUS_OPEN = 'open';

    /** Grand total. */
    public function total(Calculator $calc): Money
    {
        return Money::of($calc->sum($this->lines), self::STATUS_OPEN);
    }
}

trait HasLines {}

interface Payable { public function total(Calculator $calc): Money; }

enum Status: string { case Open = 'open'; }

function format_invoice(Invoice $invoice): string { return format_money($invoice->total()); }
"""


def test_php_definitions_namespace_and_docs() -> None:
    parsed = parse_source("php", PHP)
    assert _names(parsed) == [
        ("TAX_RATE", "constant", ""),
        ("Invoice", "class", ""),
        ("STATUS_OPEN", "constant", "Invoice"),
        ("total", "method", "Invoice"),
        ("HasLines", "interface", ""),
        ("Payable", "interface", ""),
        ("total", "method", "Payable"),
        ("Status", "enum", ""),
        ("format_invoice", "function", ""),
    ]
    assert parsed.symbols[1].doc == "An invoice."
    assert parsed.symbols[3].doc == "Grand total."
    assert (parsed.symbols[1].line, parsed.symbols[1].end_line) == (21, 32)
    assert parsed.extra == {"namespace": "App\\Billing"}
    assert parsed.doc == "Invoice model file."


def test_php_imports_and_references() -> None:
    parsed = parse_source("php", PHP)
    assert parsed.imports == (
        Import("App\\Support\\Money", 9),
        Import("Illuminate\\Database\\Model", 10),
        Import("Illuminate\\Database\\Builder", 10),
        Import("App\\Support\\format_money", 11),
        Import("./helpers.php", 13, ("<include>",)),
        Import("config/billing.php", 14, ("<include>",)),
    )
    refs = dict(parsed.references)
    assert refs["Money"] == 3
    assert refs["Calculator"] == 2
    assert refs["Model"] == 1 and refs["Payable"] == 1 and refs["HasLines"] == 1
    assert refs["format_money"] == 1 and refs["sum"] == 1 and refs["lines"] == 1
    assert refs["Invoice"] == 1
    assert refs["STATUS_OPEN"] == 1  # self::STATUS_OPEN
    assert "define" not in refs and "this" not in refs


BASH = b"""#!/usr/bin/env bash
# Deploys the site to the given environment.
#
# Usage: deploy.sh ENV
set -euo pipefail

source "$(dirname "$0")/lib/common.sh"
. ./lib/log.sh

readonly RETRIES=3
TARGET_DIR=/srv/site

# Builds static assets.
build_assets() {
  local out="$TARGET_DIR/assets"
  npm run build -- --out "$out"
}

function deploy {
  build_assets
  for i in $(seq "$RETRIES"); do rsync_site && break; done  # retry on failure
}

deploy "$@"
"""


def test_bash_definitions_sources_and_references() -> None:
    parsed = parse_source("bash", BASH)
    assert _names(parsed) == [
        ("RETRIES", "constant", ""),
        ("TARGET_DIR", "constant", ""),
        ("build_assets", "function", ""),
        ("deploy", "function", ""),
    ]
    assert parsed.symbols[2].doc == "Builds static assets."
    assert (parsed.symbols[2].line, parsed.symbols[2].end_line) == (14, 17)
    assert parsed.doc == "Deploys the site to the given environment."
    assert parsed.imports == (
        Import('$(dirname "$0")/lib/common.sh', 7),
        Import("./lib/log.sh", 8),
    )
    refs = dict(parsed.references)
    assert refs["build_assets"] == 1 and refs["deploy"] == 1 and refs["rsync_site"] == 1
    assert refs["TARGET_DIR"] == 1 and refs["RETRIES"] == 1
    assert refs["npm"] == 1
    assert "break" not in refs and "local" not in refs and "set" not in refs
    assert parsed.comments == "retry on failure"
