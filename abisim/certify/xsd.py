"""Validation against an XML Schema, for the small part of XSD that ``junit.xsd`` uses:
global and local elements, named and inline complex types (``sequence`` and ``choice``
with ``minOccurs``/``maxOccurs``, ``mixed``, attributes with ``use="required"``), and
simple types restricting ``xs:string``, ``xs:decimal`` or ``xs:nonNegativeInteger``. The
standard library has no schema validator, and abisim takes on no dependency for one.
Content models are matched greedily, which is exact for deterministic ones such as the
JUnit schema's.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

XS = "{http://www.w3.org/2001/XMLSchema}"
_BUILTIN = {
    "xs:string": lambda v: True,
    "xs:decimal": lambda v: re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", v.strip()) is not None,
    "xs:nonNegativeInteger": lambda v: re.fullmatch(r"\+?\d+", v.strip()) is not None,
}
UNBOUNDED = 1 << 30


class Schema:
    def __init__(self, path: str | Path) -> None:
        root = ET.parse(path).getroot()
        self.types = {t.get("name"): t for t in root if t.tag in (XS + "complexType", XS + "simpleType")}
        self.elements = {e.get("name"): e for e in root if e.tag == XS + "element"}

    # -- simple values
    def _value_ok(self, type_name: str | None, value: str) -> bool:
        if type_name is None or type_name in _BUILTIN:
            return _BUILTIN.get(type_name or "xs:string")(value)
        t = self.types.get(type_name)
        if t is not None and t.tag == XS + "simpleType":
            r = t.find(XS + "restriction")
            return self._value_ok(r.get("base"), value)
        return True

    def _complex(self, decl: ET.Element) -> ET.Element | None:
        inline = decl.find(XS + "complexType")
        if inline is not None:
            return inline
        t = self.types.get(decl.get("type"))
        return t if t is not None and t.tag == XS + "complexType" else None

    # -- validation
    def validate(self, document: str) -> list[str]:
        try:
            root = ET.fromstring(document)
        except ET.ParseError as exc:
            return [f"not XML: {exc}"]
        decl = self.elements.get(root.tag)
        if decl is None:
            return [f"<{root.tag}> is not a root element of the schema ({', '.join(sorted(self.elements))})"]
        out: list[str] = []
        self._element(root, decl, root.tag, out)
        return out

    def _element(self, el: ET.Element, decl: ET.Element, where: str, out: list[str]) -> None:
        ctype = self._complex(decl)
        if ctype is None:  # a simple type: text only
            if len(el):
                out.append(f"{where}: <{el[0].tag}> inside an element of simple content")
            elif not self._value_ok(decl.get("type"), el.text or ""):
                out.append(f"{where}: {el.text!r} is not a {decl.get('type')}")
            if el.attrib:
                out.append(f"{where}: unexpected attributes {', '.join(sorted(el.attrib))}")
            return
        declared = {a.get("name"): a for a in ctype if a.tag == XS + "attribute"}
        for name, a in declared.items():
            if a.get("use") == "required" and name not in el.attrib:
                out.append(f"{where}: missing attribute {name}")
        for name, value in el.attrib.items():
            a = declared.get(name)
            if a is None:
                out.append(f"{where}: unexpected attribute {name}")
            elif not self._value_ok(a.get("type"), value):
                out.append(f"{where}: {name}={value!r} is not a {a.get('type')}")
        if ctype.get("mixed") != "true" and (el.text or "").strip():
            out.append(f"{where}: text in an element of element-only content")
        model = next((c for c in ctype if c.tag in (XS + "sequence", XS + "choice")), None)
        children = list(el)
        pos = self._particle(model, children, 0, where, out) if model is not None else 0
        if pos < len(children):
            out.append(f"{where}: unexpected <{children[pos].tag}> (child {pos + 1})")

    def _particle(self, model: ET.Element, children: list, pos: int, where: str, out: list[str]) -> int:
        """Match one sequence or choice (with its occurrences) from ``pos``; the next position."""
        low, high = _occurs(model)
        count = 0
        while count < high:
            new = self._once(model, children, pos, where, out)
            if new is None:
                break
            count += 1
            if new == pos:  # matched nothing (every part optional): once is enough
                break
            pos = new
        if count < low:
            out.append(f"{where}: expected {_names(model)} at child {pos + 1}")
        return pos

    def _once(self, model: ET.Element, children: list, pos: int, where: str, out: list[str]) -> int | None:
        if model.tag == XS + "element":
            if pos < len(children) and children[pos].tag == model.get("name"):
                self._element(children[pos], model, f"{where}/{model.get('name')}[{pos + 1}]", out)
                return pos + 1
            return None
        if model.tag == XS + "choice":
            for option in model:
                if pos < len(children) and children[pos].tag in _names(option):
                    return self._particle(option, children, pos, where, out)
            return None
        for item in model:  # a sequence
            pos = self._particle(item, children, pos, where, out)
        return pos


def _occurs(node: ET.Element) -> tuple[int, int]:
    high = node.get("maxOccurs", "1")
    return int(node.get("minOccurs", "1")), UNBOUNDED if high == "unbounded" else int(high)


def _names(node: ET.Element) -> set[str]:
    if node.tag == XS + "element":
        return {node.get("name")}
    return set().union(*(_names(c) for c in node)) if len(node) else set()
