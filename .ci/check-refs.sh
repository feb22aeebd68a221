#!/usr/bin/env bash
# Checks that every protocol section reference (§n.m) in the repository's .go and .md files names
# a heading that exists in docs/protocol/: ./.ci/check-refs.sh [--list] [FILE...] (FILEs relative to
# the repository root; all tracked .go and .md files by default).
# --list also prints every reference with the document it resolves to.
#
# The citation rules are those of docs/protocol/README.md:
#   §5.6.1           docs/protocol/cluster.md (in agent.md and dapi.md: that document itself)
#   agent §3.8       docs/protocol/agent.md
#   DAPI §3.4        docs/protocol/dapi.md
#   cluster §7.2     docs/protocol/cluster.md
# A prefix carries over a list that follows it ("agent §3.3, §4.4 and §4.5", "cluster §9–§11"),
# also across a comment line break. "spec §n" and spec/ paths name documents that are not in the
# repository and are refused.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

docs=docs/protocol
headings() { # the section numbers of a document, space-separated and space-padded
  printf ' %s ' "$(grep -E '^#{1,6} +[0-9]+(\.[0-9]+)*\.?( |$)' "$1" |
    sed -E 's/^#+ +([0-9]+(\.[0-9]+)*).*/\1/' | tr '\n' ' ')"
}

# A number must name one heading only.
dups=0
for doc in $docs/cluster.md $docs/agent.md $docs/dapi.md; do
  for n in $(headings "$doc" | tr ' ' '\n' | sort | uniq -d); do
    echo "$doc: section $n has more than one heading"; dups=1
  done
done
[ "$dups" = 0 ] || exit 1

list=0
if [ "${1:-}" = --list ]; then list=1; shift; fi
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.go' '*.md' 2>/dev/null ||
    find . -name '*.go' -o -name '*.md')
fi
[ "${#files[@]}" -gt 0 ] || { echo "check-refs: no files to check"; exit 0; }

awk -v list="$list" -v cluster="$(headings $docs/cluster.md)" -v agent="$(headings $docs/agent.md)" \
    -v dapi="$(headings $docs/dapi.md)" '
function docof(word) {
  word = tolower(word)
  if (word == "agent") return "agent"
  if (word == "dapi") return "dapi"
  if (word == "cluster") return "cluster"
  return ""
}
# The document named by a prefix word right before a reference ("agent §"), or "".
function prefix(text,   m) {
  if (match(text, /(^|[^A-Za-z0-9_])(agent|Agent|AGENT|DAPI|dapi|Dapi|cluster|Cluster) ?$/)) {
    m = substr(text, RSTART, RLENGTH); sub(/^[^A-Za-z]/, "", m); sub(/ $/, "", m)
    return docof(m)
  }
  return ""
}
# Whether text only joins two references of one list.
function joiner(text) {
  gsub(/^ +| +$/, "", text)
  return text ~ /^(,|, and|, or|and|or|\/|-|–|to)$/
}
# What is left of a line before its first reference once comment leaders are removed.
function leader(text) {
  sub(/^[ \t]*(\/\/+|#+|\*+|--)?[ \t(]*/, "", text)
  return text
}
FNR == 1 {
  self = "cluster"
  if (FILENAME ~ /(^|\/)docs\/protocol\/agent\.md$/) self = "agent"
  if (FILENAME ~ /(^|\/)docs\/protocol\/dapi\.md$/) self = "dapi"
  carry = ""
}
{
  line = $0; pos = 0; last = ""; lastend = 0
  if (line ~ /spec\/wazuh-|\.\.\/spec\//) {
    printf "%s:%d: points to the protocol notes outside the repository; cite docs/protocol/ instead\n", FILENAME, FNR
    bad++
  }
  while (match(substr(line, pos + 1), /§[0-9]+(\.[0-9]+)*/)) {
    start = pos + RSTART; len = RLENGTH; ref = substr(line, start + 2, len - 2)
    before = substr(line, lastend + 1, start - lastend - 1)
    whole = substr(line, 1, start - 1)
    doc = prefix(whole)
    if (doc == "" && last != "" && joiner(before)) doc = last
    if (doc == "" && last == "" && carry != "" && (leader(before) == "" || joiner(leader(before)))) doc = carry
    if (doc == "") doc = self
    if (tolower(whole) ~ /spec ?$/) {
      printf "%s:%d: \"spec §%s\" names a document outside the repository; cite docs/protocol/ (see its README.md)\n", FILENAME, FNR, ref
      bad++
    }
    heads = (doc == "agent") ? agent : (doc == "dapi") ? dapi : cluster
    checked++
    if (list) printf "%s:%d: %s §%s\n", FILENAME, FNR, doc, ref
    if (index(heads, " " ref " ") == 0) {
      printf "%s:%d: §%s has no heading in docs/protocol/%s.md\n", FILENAME, FNR, ref, doc
      bad++
    }
    last = doc; lastend = start + len - 1; pos = lastend
  }
  # What a reference at the start of the next line continues: a trailing prefix word, or a list
  # this line leaves open ("§6.1," / "§9.1 and").
  tail = substr(line, lastend + 1); sub(/[ \t]+$/, "", tail)
  carry = prefix(tail)
  if (carry == "" && last != "" && (tail == "" || joiner(tail))) carry = last
}
END {
  printf "check-refs: %d section references checked, %d unresolved\n", checked, bad + 0
  exit (bad > 0)
}' "${files[@]}"
