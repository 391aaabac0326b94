"""Kinsoku (禁則処理): the characters a line must not start or end with.

One module of constants, no imports: the wrapping engine (:mod:`minutes.textwidth`,
used by the exports and by the speaker log) reads them, and the tests check lines against them.
"""

from __future__ import annotations

#: Characters a line must not start with (行頭禁則).
NO_LINE_START = frozenset(
    "、。，．,.：；:;！？!?)）]］}｝」』】〕〉》〗〙〟’”｠»"
    "・ー‐゠–〜～…‥"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "ｧｨｩｪｫｯｬｭｮｰ"
    "々〻ゝゞヽヾ"
    "％%‰℃°′″"
    " "
)

#: Characters a line must not end with (行末禁則).
NO_LINE_END = frozenset("(（[［{｛「『【〔〈《〖〘〝‘“｟«")
