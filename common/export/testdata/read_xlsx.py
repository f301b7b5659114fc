#!/usr/bin/env python3
"""Prints every cell of an XLSX file, one per line: SHEET!REF<TAB>VALUE.

Reads the file with the standard library only (zipfile and
xml.etree.ElementTree), independently of the library that wrote it, so a
test can check what a spreadsheet will show: sheet names from
xl/workbook.xml, inline and shared strings as text, numbers as written
(e.g. 0.75), and each number's format code after a second tab when it
has one (e.g. 0.0%).

  read_xlsx.py FILE.xlsx
  read_xlsx.py --rows FILE.xlsx   each sheet's name and number of rows
      (SHEET<TAB>ROWS), counted without parsing the cells: for big files
"""
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def text_of(node):
    return "".join(t.text or "" for t in node.iter(f"{{{NS['m']}}}t"))


def sheets(z, path):
    """(name, member) of each worksheet, in workbook order; checks CRCs."""
    if z.testzip() is not None:
        sys.exit("corrupt member in " + path)
    workbook = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    return [(s.get("name"), "xl/" + targets[s.get(REL)])
            for s in workbook.find("m:sheets", NS)]


def main(path):
    with zipfile.ZipFile(path) as z:
        worksheets = sheets(z, path)
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = [text_of(si) for si in sst.findall("m:si", NS)]
        formats = {}
        styles = ET.fromstring(z.read("xl/styles.xml"))
        codes = {n.get("numFmtId"): n.get("formatCode")
                 for n in styles.iter(f"{{{NS['m']}}}numFmt")}
        xfs = styles.find("m:cellXfs", NS)
        for i, xf in enumerate(xfs.findall("m:xf", NS) if xfs is not None else []):
            formats[str(i)] = codes.get(xf.get("numFmtId"), "")
        for name, member in worksheets:
            data = ET.fromstring(z.read(member))
            for c in data.iter(f"{{{NS['m']}}}c"):
                kind = c.get("t")
                if kind == "inlineStr":
                    value = text_of(c.find("m:is", NS))
                elif kind == "s":
                    value = shared[int(c.find("m:v", NS).text)]
                elif c.find("m:f", NS) is not None:
                    value = "FORMULA:" + c.find("m:f", NS).text
                else:
                    v = c.find("m:v", NS)
                    value = "" if v is None else v.text
                fmt = formats.get(c.get("s", "0"), "") if kind is None else ""
                line = f"{name}!{c.get('r')}\t{value}"
                print(line + (f"\t{fmt}" if fmt else ""))


def rows(path):
    with zipfile.ZipFile(path) as z:
        for name, member in sheets(z, path):
            count, tail = 0, b""
            with z.open(member) as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    data = tail + chunk
                    count += data.count(b"<row ")
                    tail = data[-4:]  # a "<row " cut by the chunk's end
            print(f"{name}\t{count}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--rows":
        rows(sys.argv[2])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.exit(__doc__)
