"""The English names the elements of a procedure may carry, for the English interface.

A step's name is Vietnamese (it is the name the Department's decision gives it); a designer may give it an English one
as an extension property of the element, `<spiffworkflow:property name="name_en" value="Return the result"/>` (the
properties panel's "Tên tiếng Anh"). Names are matched as pages show them: whitespace runs folded to one space.
"""

from collections.abc import Mapping

from engine.bpmn.parsing import read_xml

PROPERTY = "name_en"
_SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_PROPERTY_PATH = f"{{*}}extensionElements/{{{_SPIFF}}}properties/{{{_SPIFF}}}property"


def english_names(sources: Mapping[str, str | bytes]) -> dict[str, str]:
    """Vietnamese name -> English name of every element of the files `sources` (file name -> XML) that carries both;
    where two elements of the same name differ, the one read last wins."""
    found: dict[str, str] = {}
    for file_name, xml in sources.items():
        for element in read_xml(file_name, xml).iter():
            name = element.get("name") if isinstance(element.tag, str) else None
            if not name:
                continue
            for prop in element.findall(_PROPERTY_PATH):
                english = " ".join((prop.get("value") or "").split())
                if prop.get("name") == PROPERTY and english:
                    found[" ".join(name.split())] = english
    return found
