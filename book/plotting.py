"""The book's one plotting theme and its map helpers.

Call :func:`use_theme` at the top of every page. Colours come from :data:`PALETTE` (colour-blind
safe); maps use :func:`choropleth`, which draws a GeoDataFrame column with one shared style, and
:func:`lisa_map` for LISA clusters.
"""
from __future__ import annotations

import logging
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


#: the CJK font that :func:`use_theme` found for Chinese labels (None if none is installed)
CJK_FONT: str | None = None
_CJK_CANDIDATES = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC")
_CJK_FILES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def _find_cjk_font() -> str | None:
    """Name of an installed CJK font, registering its file if matplotlib's font cache predates it."""
    from pathlib import Path

    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for name in _CJK_CANDIDATES:
        if name in known:
            return name
    for path in _CJK_FILES:
        if Path(path).is_file():
            font_manager.fontManager.addfont(path)
            known = {f.name for f in font_manager.fontManager.ttflist}
            for name in _CJK_CANDIDATES:
                if name in known:
                    return name
    return None


class _WeightNote(logging.Filter):
    def filter(self, record):
        return "Failed to find font weight" not in record.getMessage()


def use_theme() -> None:
    """Apply the book's seaborn theme and figure defaults (deterministic).

    Figures are drawn for the text column (7 inches at 110 dpi, about the column's 750 px, so
    text is shown at its nominal size) and, inside Jupyter, exported as 2x ("retina") PNGs that
    stay sharp on high-density screens and in the PDF. Chinese labels render with a CJK font
    (fonts-wqy-zenhei, "WenQuanYi Zen Hei") as a per-glyph fallback after DejaVu Sans; the font
    found is in :data:`CJK_FONT` (None: install fonts-wqy-zenhei, or label in English). Text
    cells of printed tables are never truncated (pandas ``display.max_colwidth``).
    """
    global CJK_FONT

    # the WenQuanYi .ttc declares weight 500, so every lookup of a "normal"/"bold" CJK glyph
    # logs a "Failed to find font weight" warning into the page output: drop only that message
    fm_log = logging.getLogger("matplotlib.font_manager")
    if not any(isinstance(f, _WeightNote) for f in fm_log.filters):
        fm_log.addFilter(_WeightNote())
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    CJK_FONT = _find_cjk_font()
    plt.rcParams.update({
        "figure.figsize": (7.0, 4.2),
        "figure.dpi": 110,
        "savefig.dpi": 220,
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "svg.hashsalt": "agglomeration-review",
        "font.family": ["DejaVu Sans"] + ([CJK_FONT] if CJK_FONT else []),
        "axes.unicode_minus": True,
    })
    # tables print every character: pandas would cut text cells (titles, licences, citations of
    # data.provenance) at 50 characters with "..."; the book's CSS wraps them instead
    pd.set_option("display.max_colwidth", None)
    if "ipykernel" in sys.modules:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")


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
