"""The book's one plotting theme and its map helpers.

Call :func:`use_theme` at the top of every page. Colours come from :data:`PALETTE` (colour-blind
safe); maps use :func:`choropleth`, which draws a GeoDataFrame column with one shared style, and
:func:`lisa_map` for LISA clusters.
"""
from __future__ import annotations

import sys

import matplotlib

# Headless backend for scripts and tests only: inside a Jupyter kernel (the book build) the
# inline backend must stay, or figures carry no image/png and glued figures render as text.
if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .errors import BookInputError  # noqa: E402

#: qualitative palette (seaborn "colorblind")
PALETTE = sns.color_palette("colorblind")
#: the two colours used for "published" and "ours" throughout the book
PUBLISHED, OURS = PALETTE[7], PALETTE[0]
#: LISA cluster colours (HH, LH, LL, HL, not significant)
LISA_COLOURS = {"HH": "#d7191c", "LH": "#abd9e9", "LL": "#2c7bb6", "HL": "#fdae61",
                "ns": "#eeeeee"}


def use_theme() -> None:
    """Apply the book's seaborn theme and figure defaults (deterministic, 110 dpi)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    plt.rcParams.update({
        "figure.figsize": (7.0, 4.2),
        "figure.dpi": 110,
        "savefig.dpi": 110,
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "svg.hashsalt": "agglomeration-review",
    })


def choropleth(gdf, column: str, *, ax=None, cmap: str = "viridis", categorical: bool = False,
               colours: dict | None = None, legend: bool = True, title: str | None = None,
               edgecolor: str = "white", linewidth: float = 0.4):
    """Draw ``gdf[column]`` as a map in the book's style and return the axes.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Regions with a geometry column.
    column : str
        Column to colour by.
    categorical : bool
        Treat values as categories; with ``colours`` (a value -> colour mapping, e.g.
        :data:`LISA_COLOURS`) each category gets its fixed colour.
    """
    import geopandas as gpd
    from matplotlib.patches import Patch

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise BookInputError(f"choropleth needs a GeoDataFrame, got {type(gdf).__name__}.")
    if column not in gdf.columns:
        raise BookInputError(f"column {column!r} not in the GeoDataFrame ({list(gdf.columns)}).")
    if len(gdf) == 0:
        raise BookInputError("the GeoDataFrame is empty (0 regions); nothing to map.")
    if not categorical:
        vals = gdf[column]
        if not pd.api.types.is_numeric_dtype(vals) or pd.api.types.is_bool_dtype(vals):
            raise BookInputError(
                f"column {column!r} has dtype {vals.dtype}: numbers stored as text need "
                "pd.to_numeric first; for labels pass categorical=True.")
        if not np.isfinite(vals.to_numpy(dtype=float)).any():
            raise BookInputError(f"column {column!r} has no finite values to colour by.")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5))
    if categorical and colours is not None:
        unknown = set(gdf[column].dropna().unique()) - set(colours)
        if unknown:
            raise BookInputError(f"no colour given for categories {sorted(map(str, unknown))}.")
        gdf.plot(color=gdf[column].map(colours), ax=ax, edgecolor=edgecolor, linewidth=linewidth)
        if legend:
            present = [c for c in colours if (gdf[column] == c).any()]
            ax.legend(handles=[Patch(facecolor=colours[c], label=str(c)) for c in present],
                      loc="lower left", fontsize=8)
    else:
        gdf.plot(column=column, ax=ax, cmap=cmap, categorical=categorical, legend=legend,
                 edgecolor=edgecolor, linewidth=linewidth,
                 legend_kwds=None if categorical else {"shrink": 0.6})
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def lisa_map(gdf, clusters: pd.DataFrame, *, id_col: str, ax=None, title: str | None = None):
    """Draw LISA clusters (the output of :func:`book.spatial.autocorrelation.lisa`) on ``gdf``,
    joined on ``id_col``, with :data:`LISA_COLOURS`."""
    import geopandas as gpd

    from .validate import require_columns

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise BookInputError(f"lisa_map needs a GeoDataFrame, got {type(gdf).__name__}.")
    require_columns(clusters, [id_col, "cluster"], "clusters")
    dup = clusters[id_col][clusters[id_col].duplicated()].unique().tolist()
    if dup:
        raise BookInputError(f"clusters has duplicated region id(s) {dup[:5]}; pass one LISA row "
                             "per region (the output of lisa()).")
    g = gdf.merge(clusters[[id_col, "cluster"]], on=id_col, how="left", validate="one_to_one")
    if g["cluster"].isna().any():
        miss = g.loc[g["cluster"].isna(), id_col].tolist()[:5]
        raise BookInputError(f"no LISA result for region(s) {miss}; compute lisa() on the same "
                             "regions as the map.")
    return choropleth(g, "cluster", ax=ax, categorical=True, colours=LISA_COLOURS, title=title)
