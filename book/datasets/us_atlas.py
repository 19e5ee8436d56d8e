"""Loader for US county boundaries from the npm package us-atlas (TopoJSON).

TopoJSON stores shared borders once as quantised, delta-encoded arcs. No maintained Python
package in this environment decodes it, so :func:`decode_topojson` does (about 30 lines,
following the TopoJSON specification: https://github.com/topojson/topojson-specification).
"""
from __future__ import annotations

import json

import numpy as np

from ..data import fetch, loader
from ..errors import DataIntegrityError


def decode_topojson(topo: dict, object_name: str):
    """Decode one GeometryCollection of a TopoJSON topology into a GeoDataFrame (EPSG:4326).

    Returns columns ``id`` (the feature id as given), ``name`` (property, if any), geometry.
    """
    import geopandas as gpd
    from shapely.geometry import MultiPolygon, Polygon

    if topo.get("type") != "Topology" or object_name not in topo.get("objects", {}):
        raise DataIntegrityError(f"not a TopoJSON topology with an object {object_name!r}.")
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        a = np.asarray(arc, dtype=float)
        if tr is not None:  # quantised: delta-encoded integer positions
            a = np.cumsum(a, axis=0) * np.asarray(tr["scale"]) + np.asarray(tr["translate"])
        arcs.append(a)

    def ring(indices):
        pts = []
        for i in indices:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(a if not pts else a[1:])
        return np.asarray(pts)

    def polygon(rings):
        rs = [ring(r) for r in rings]
        rs = [r for r in rs if len(r) >= 4]  # quantisation collapses some tiny islands
        return Polygon(rs[0], rs[1:]) if rs else None

    rows, geoms = [], []
    for g in topo["objects"][object_name]["geometries"]:
        if g.get("type") == "Polygon":
            geom = polygon(g["arcs"])
        elif g.get("type") == "MultiPolygon":
            parts = [q for q in (polygon(p) for p in g["arcs"]) if q is not None]
            geom = MultiPolygon(parts) if parts else None
        else:
            continue
        if geom is None:
            continue
        rows.append({"id": g.get("id"), "name": (g.get("properties") or {}).get("name")})
        geoms.append(geom)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


@loader("us_county_geometry")
def us_county_geometry():
    """GeoDataFrame of US counties: fips, statefips, name, geometry (EPSG:4326)."""
    path = fetch("us_county_geometry", "counties-10m.json")
    with open(path, encoding="utf-8") as fh:
        topo = json.load(fh)
    g = decode_topojson(topo, "counties")
    g = g[g["id"].notna()].copy()
    g["fips"] = g["id"].astype(str).astype(int)
    g["statefips"] = g["fips"] // 1000
    return g[["fips", "statefips", "name", "geometry"]].sort_values("fips").reset_index(drop=True)
