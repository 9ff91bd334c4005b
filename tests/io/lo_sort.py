"""Sort a range of a workbook's first sheet in LibreOffice, as a user would, and save it.

Run by a Python that has LibreOffice's `uno` module (the system one, not the venv):
    python3 lo_sort.py IN.xlsx OUT.xlsx RANGE COLUMN_INDEX
RANGE ("A1:O6") is sorted descending by its COLUMN_INDEX-th column (0-based), its
first row being the header.
"""

import contextlib
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(src, out, ref, column):
    pipe = f"tierwise_lo_{os.getpid()}"
    with tempfile.TemporaryDirectory() as profile:
        office = subprocess.Popen(
            [
                "soffice",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                f"-env:UserInstallation=file://{profile}",
                f"--accept=pipe,name={pipe};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext(
                "com.sun.star.bridge.UnoUrlResolver", local
            )
            for _ in range(600):
                try:
                    ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    break
                except Exception:
                    time.sleep(0.1)
            else:
                raise SystemExit("LibreOffice did not start")
            desktop = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", ctx
            )
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0, (_prop("Hidden", True),)
            )
            sheet = doc.Sheets.getByIndex(0)
            cells = sheet.getCellRangeByName(ref)
            field = uno.createUnoStruct("com.sun.star.table.TableSortField")
            field.Field = column
            field.IsAscending = False
            fields = uno.Any("[]com.sun.star.table.TableSortField", (field,))
            descriptor = (_prop("ContainsHeader", True), _prop("SortFields", fields))
            uno.invoke(cells, "sort", (descriptor,))
            doc.storeToURL(
                uno.systemPathToFileUrl(os.path.abspath(out)),
                (_prop("FilterName", "Calc MS Excel 2007 XML"),),
            )
            doc.close(True)
            # The bridge goes away as the office quits.
            with contextlib.suppress(Exception):
                desktop.terminate()
        finally:
            try:
                office.wait(30)
            except subprocess.TimeoutExpired:
                office.kill()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
