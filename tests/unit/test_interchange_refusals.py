"""Every refusal of the interchange format: the JSON path and the Japanese message."""

from __future__ import annotations

import copy
import json
import math

import pytest

from minutes.interchange import FormatError, meeting_from_dict, parse_meeting

SOURCE = "会議.json"

VOTE_AT = ("agenda", 0, "log", 3, "vote")
ITEM_TITLE = "個人情報の目的外利用について"


def base() -> dict:
    """A valid meeting with enough members for ties and abstentions."""
    return {
        "format": "kaigiroku.meeting", "version": 1,
        "body": "小平市情報公開・個人情報保護・公文書管理審議会",
        "fiscal_year": 2021, "session": 3, "serial": 54, "record_style": "要録",
        "date": "2022-03-15", "start": "17:30", "end": "19:00",
        "place": "市役所3階 庁議室", "observers": 0, "status": "draft",
        "people": [
            {"id": "p1", "name": "昼間守仁", "group": "委員", "title": "会長"},
            {"id": "p2", "name": "大川強", "group": "委員", "title": "副会長"},
            {"id": "p3", "name": "村千鶴子", "group": "委員", "title": "委員"},
            {"id": "p4", "name": "山田", "group": "委員", "title": "委員", "arrived": "17:40"},
            {"id": "p5", "name": "佐藤", "group": "委員", "title": "委員"},
            {"id": "p6", "name": "鈴木", "group": "委員", "title": "委員"},
            {"id": "p7", "name": "高橋", "group": "委員", "title": "委員", "present": False},
            {"id": "s1", "name": "飯田", "group": "事務局", "title": "係長", "department": "総務課"},
            {"id": "r1", "name": "市川", "group": "関係課", "title": "課長", "department": "資源循環課"},
        ],
        "agenda": [
            {"id": "a1", "section": "議事", "kind": "諮問", "title": ITEM_TITLE,
             "departments": ["資源循環課"],
             "log": [
                 {"speaker": "p1", "text": "諮問です。", "time": "17:31:00"},
                 {"speaker": {"label": "資源循環課"}, "text": "説明します。\n資料1を御覧ください。"},
                 {"speaker": {"label": "委員"}, "text": "質問です。"},
                 {"vote": {"ballots": {"p2": "承認", "p3": "承認", "p4": "不承認"},
                           "result": "承認", "rule": "majority", "chair_decides": None,
                           "question": "承認してよいか", "time": "18:10:05"}},
                 {"speaker": "p1", "text": "承認することといたします。"},
             ]},
            {"id": "a9", "section": "その他", "title": "その他",
             "log": [{"speaker": {"label": "事務局"}, "text": "特になし。"}]},
        ],
    }


def test_base_is_valid():
    meeting_from_dict(base(), SOURCE)


# -- mutators ------------------------------------------------------------------


def _walk(d, keys):
    for key in keys:
        d = d[key]
    return d


def put(*keys_and_value):
    *keys, value = keys_and_value

    def mutate(d):
        _walk(d, keys[:-1])[keys[-1]] = copy.deepcopy(value)
        return d

    return mutate


def drop(*keys):
    def mutate(d):
        del _walk(d, keys[:-1])[keys[-1]]
        return d

    return mutate


def vote(**fields):
    """Replace the example vote's keys (a value of ... deletes the key)."""

    def mutate(d):
        v = _walk(d, VOTE_AT)
        for key, value in fields.items():
            if value is ...:
                v.pop(key, None)
            else:
                v[key] = value
        return d

    return mutate


def whole(value):
    return lambda d: value


V = "agenda[0].log[3].vote"

CASES = [
    # the document and its marks
    ("not-object-list", whole([]), "", "JSONのオブジェクト"),
    ("not-object-str", whole("会議"), "", "JSONのオブジェクト"),
    ("not-object-null", whole(None), "", "いまはnull"),
    ("format-missing", drop("format"), "format", "「format」がありません"),
    ("format-wrong", put("format", "kaigiroku.minutes"), "format", "kaigirokuの会議ファイルではないようです"),
    ("format-not-string", put("format", 1), "format", "format は「kaigiroku.meeting」でなければなりません(いまは整数 1)"),
    ("version-missing", drop("version"), "version", "「version」がありません"),
    ("version-3", put("version", 3), "version",
     "このファイルは形式の版3です。このアプリが読めるのは版1と版2です。新しい版のkaigirokuで書き出したファイルかもしれません。"),
    ("version-0", put("version", 0), "version", "形式の版(version)は 1 か 2 です"),
    ("version-string", put("version", "1"), "version", "整数 1 か 2 で書いてください(いまは文字列「1」)"),
    ("version-true", put("version", True), "version", "いまは真偽値 true"),
    ("version-float", put("version", 1.0), "version", "いまは小数 1.0"),
    # required keys
    *[(f"missing-{k}", drop(k), k, f"必須のキー「{k}」がありません")
      for k in ("body", "date", "start", "place", "people", "agenda")],
    *[(f"missing-person-{k}", drop("people", 1, k), f"people[1].{k}", f"必須のキー「{k}」がありません")
      for k in ("id", "name", "group")],
    ("missing-person-title", drop("people", 1, "title"), "people[1].title",
     "必須のキー「title」がありません。委員には肩書き(title: 委員長、会長、委員 …)が必要です。"),
    ("missing-department", drop("people", 8, "department"), "people[8].department",
     "委員以外の人(区分「関係課」)には部署(department)が必要です"),
    ("missing-department-own-group", put("people", 7, {"id": "x", "name": "某", "group": "オブザーバー", "title": "委員"}),
     "people[7].department", "部署(department)が必要です"),
    ("missing-item-id", drop("agenda", 1, "id"), "agenda[1].id", "必須のキー「id」がありません。議題にはid(ファイルの中で一意な文字列)が必要です。"),
    ("missing-item-title", drop("agenda", 1, "title"), "agenda[1].title", "必須のキー「title」がありません。議題には議題名(title)が必要です。"),
    ("missing-speaker", drop("agenda", 0, "log", 0, "speaker"), "agenda[0].log[0].speaker", "必須のキー「speaker」"),
    ("missing-text", drop("agenda", 0, "log", 0, "text"), "agenda[0].log[0].text", "必須のキー「text」"),
    ("missing-ballots", vote(ballots=...), f"{V}.ballots", "必須のキー「ballots」"),
    ("missing-result", vote(result=...), f"{V}.result", "必須のキー「result」"),
    ("missing-label", put("agenda", 0, "log", 1, "speaker", {}), "agenda[0].log[1].speaker.label", "必須のキー「label」"),
    # wrong types
    ("type-body", put("body", 3), "body", "会議体(body)は文字列で書いてください(いまは整数 3)"),
    ("type-fiscal-year-string", put("fiscal_year", "2021"), "fiscal_year", "整数で書いてください(いまは文字列「2021」)"),
    ("type-session-bool", put("session", True), "session", "整数で書いてください(いまは真偽値 true)"),
    ("type-session-float", put("session", 3.0), "session", "整数で書いてください(いまは小数 3.0)"),
    ("type-observers-float", put("observers", 1.5), "observers", "整数で書いてください"),
    ("type-people", put("people", {}), "people", "配列([…])で書いてください(いまはオブジェクト)"),
    ("type-agenda", put("agenda", "議事"), "agenda", "配列([…])で書いてください"),
    ("type-person", put("people", 0, "p1"), "people[0]", "出席者はオブジェクト"),
    ("type-present", put("people", 0, "present", "yes"), "people[0].present", "true か false で書いてください"),
    ("type-present-int", put("people", 0, "present", 1), "people[0].present", "いまは整数 1"),
    ("type-votes", put("people", 0, "votes", 0), "people[0].votes", "true か false"),
    ("type-departments", put("agenda", 0, "departments", "資源循環課"), "agenda[0].departments", "配列"),
    ("type-department-entry", put("agenda", 0, "departments", ["a", 1]), "agenda[0].departments[1]", "文字列で書いてください"),
    ("type-log", put("agenda", 0, "log", {}), "agenda[0].log", "配列"),
    ("type-entry", put("agenda", 0, "log", 0, "発言"), "agenda[0].log[0]", "発言・採決・注記・出来事のオブジェクト"),
    ("type-ballots", vote(ballots=["p2"]), f"{V}.ballots", "出席者のid → 「承認」「不承認」「保留」のオブジェクト"),
    ("type-vote", put("agenda", 0, "log", 3, "vote", "承認"), V, "採決はオブジェクト"),
    ("type-speaker", put("agenda", 0, "log", 0, "speaker", 1), "agenda[0].log[0].speaker",
     "出席者のid(文字列)か {\"label\": \"…\"} で書いてください"),
    ("type-text-null", put("agenda", 0, "log", 0, "text", None), "agenda[0].log[0].text", "文字列で書いてください(いまはnull)"),
    ("type-end", put("end", 1900), "end", "文字列で書いてください"),
    ("type-title-null", put("title", None), "title", "文字列で書いてください(いまはnull)"),
    ("type-extra", put("extra", ["x"]), "extra", "独自の情報(extra)はオブジェクト"),
    # integers out of range
    ("range-session", put("session", 0), "session", "1以上999999以下の整数"),
    ("range-serial", put("serial", -5), "serial", "1以上999999以下の整数"),
    ("range-observers", put("observers", -1), "observers", "0以上999999以下の整数"),
    ("range-fiscal-year-low", put("fiscal_year", 1925), "fiscal_year", "1926以上9999以下"),
    ("range-fiscal-year-high", put("fiscal_year", 20210), "fiscal_year", "1926以上9999以下"),
    ("range-huge", put("serial", 10**100), "serial", "いまはとても大きな整数"),
    # enumerations
    ("empty-record-style", put("record_style", " "), "record_style", "記録の種類(record_style)を空にはできません"),
    ("enum-status", put("status", "done"), "status", "「draft」「final」のどれか"),
    ("enum-rule", vote(rule="simple"), f"{V}.rule", "「majority」「two_thirds」「unanimous」のどれか"),
    ("enum-ballot", vote(ballots={"p2": "賛成"}), f"{V}.ballots.p2", "票は「承認」「不承認」「保留」のどれかで書いてください(いまは文字列「賛成」)。"),
    ("enum-result", vote(result="可決"), f"{V}.result", "「承認」「不承認」のどれか"),
    ("enum-chair-decides", vote(chair_decides="会長一任"), f"{V}.chair_decides", "「承認」「不承認」のどれか"),
    # unknown keys
    ("unknown-top", put("plce", "庁議室"), "plce",
     "このキーは形式にありません。綴りを確認してください(独自の情報は extra の中に入れられます)。「place」の書き間違いではありませんか。"),
    ("unknown-person", put("people", 2, "nmae", "x"), "people[2].nmae", "「name」の書き間違い"),
    ("unknown-item", put("agenda", 1, "memo", "x"), "agenda[1].memo", "このキーは形式にありません"),
    ("unknown-speech", put("agenda", 0, "log", 0, "who", "x"), "agenda[0].log[0].who", "このキーは形式にありません"),
    ("unknown-vote", vote(note="x"), f"{V}.note", "このキーは形式にありません"),
    ("unknown-vote-entry", put("agenda", 0, "log", 3, "time", "18:00:00"), "agenda[0].log[3].time", "このキーは形式にありません"),
    ("unknown-speaker", put("agenda", 0, "log", 1, "speaker", {"label": "x", "id": "p1"}),
     "agenda[0].log[1].speaker.id", "このキーは形式にありません"),
    ("unknown-odd-key", put("people", 0, "a.b c", 1), 'people[0]["a.b c"]', "このキーは形式にありません"),
    ("unknown-control-key", put("people", 0, "x\x1b", 1), 'people[0]["x\\u001b"]', "このキーは形式にありません"),
    # duplicates
    ("duplicate-person-id", put("people", 3, "id", "p2"), "people[3].id", "id「p2」は people[1] でも使われています"),
    ("duplicate-item-id", put("agenda", 1, "id", "a1"), "agenda[1].id", "議題のid「a1」は agenda[0] でも使われています"),
    # empty text
    ("empty-name", put("people", 0, "name", ""), "people[0].name", "名前(name)を空にはできません"),
    ("blank-name", put("people", 0, "name", " \u3000"), "people[0].name", "名前(name)を空にはできません"),
    ("empty-person-title", put("people", 0, "title", ""), "people[0].title", "肩書き(title)を空にはできません"),
    ("empty-item-title", put("agenda", 0, "title", ""), "agenda[0].title", "議題名(title)を空にはできません"),
    ("empty-meeting-title", put("title", ""), "title", "表題(title)を空にはできません"),
    ("empty-body", put("body", ""), "body", "会議体(body)を空にはできません"),
    ("empty-group", put("people", 0, "group", ""), "people[0].group", "区分(group)を空にはできません"),
    ("empty-id", put("people", 0, "id", ""), "people[0].id", "出席者のidを空にはできません"),
    ("empty-label", put("agenda", 0, "log", 1, "speaker", {"label": ""}), "agenda[0].log[1].speaker.label", "呼び名(label)を空にはできません"),
    ("empty-department", put("people", 7, "department", ""), "people[7].department", "部署(department)を空にはできません"),
    # references
    ("speaker-unknown", put("agenda", 0, "log", 4, "speaker", "p9"), "agenda[0].log[4].speaker",
     "出席者一覧(people)にないid「p9」が指定されています。"),
    ("ballot-unknown", vote(ballots={"p2": "承認", "p9": "承認"}, result="承認"), f"{V}.ballots.p9",
     "出席者一覧(people)にないid「p9」が指定されています。"),
    ("ballot-absent", vote(ballots={"p7": "承認"}), f"{V}.ballots.p7", "p7(高橋、委員)は欠席(present が false)なので投票できません。"),
    ("ballot-chair", vote(ballots={"p1": "承認"}), f"{V}.ballots.p1", "p1(昼間守仁、会長)には投票権がありません"),
    ("ballot-staff", vote(ballots={"s1": "承認"}), f"{V}.ballots.s1", "投票権がありません"),
    ("ballot-votes-false", lambda d: put("people", 2, "votes", False)(d), f"{V}.ballots.p3", "投票権がありません"),
    # entry shapes
    ("entry-both", put("agenda", 0, "log", 3, "speaker", "p1"), "agenda[0].log[3]", "発言(speaker、text)と採決(vote)の両方"),
    ("entry-neither", put("agenda", 0, "log", 0, {}), "agenda[0].log[0]", "発言(speaker と text)、採決(vote)、注記(note)、出来事(event)のどれか"),
    ("entry-time-only", put("agenda", 0, "log", 0, {"time": "10:00:00"}), "agenda[0].log[0]", "どれでもありません"),
    ("entry-misspelt", put("agenda", 0, "log", 0, {"speakr": "p1", "txt": "x"}), "agenda[0].log[0].speakr",
     "「speaker」の書き間違い"),
    # dates and times
    ("date-impossible", put("date", "2022-02-30"), "date",
     "日付は「YYYY-MM-DD」の形の実在する日付で書いてください(「2022-02-30」は存在しません)。"),
    ("date-month-13", put("date", "2022-13-01"), "date", "「2022-13-01」は存在しません"),
    ("date-slashes", put("date", "2022/03/15"), "date", "「YYYY-MM-DD」の形"),
    ("date-short", put("date", "2022-3-15"), "date", "いまは「2022-3-15」"),
    ("date-fullwidth", put("date", "２０２２-03-15"), "date", "「YYYY-MM-DD」の形"),
    ("date-iso-basic", put("date", "20220315"), "date", "「YYYY-MM-DD」の形"),
    ("date-before-showa", put("date", "1926-12-24"), "date", "昭和元年(1926-12-25)以降"),
    ("start-25", put("start", "25:00"), "start", "「HH:MM」(24時間制、00:00から23:59まで、2桁ずつ)で書いてください(いまは「25:00」)"),
    ("start-one-digit", put("start", "7:30"), "start", "「HH:MM」"),
    ("start-minute-60", put("start", "17:60"), "start", "「HH:MM」"),
    ("start-seconds", put("start", "17:30:00"), "start", "「HH:MM」"),
    ("end-24", put("end", "24:00"), "end", "「HH:MM」"),
    ("arrived", put("people", 0, "arrived", "9:00"), "people[0].arrived", "遅参の時刻(arrived)は「HH:MM」"),
    ("left", put("people", 0, "left", "12:00:00"), "people[0].left", "早退の時刻(left)は「HH:MM」"),
    ("speech-time", put("agenda", 0, "log", 0, "time", "10:00"), "agenda[0].log[0].time", "「HH:MM:SS」"),
    ("speech-time-60", put("agenda", 0, "log", 0, "time", "10:00:60"), "agenda[0].log[0].time", "「HH:MM:SS」"),
    ("vote-time", vote(time="24:00:00"), f"{V}.time", "「HH:MM:SS」(24時間制"),
    ("end-before-start", put("end", "17:00"), "end", "終了時刻「17:00」が開始時刻「17:30」より前です。"),
    # control characters and lone surrogates
    ("control-esc", put("people", 0, "name", "昼間\x1b守仁"), "people[0].name", "3文字目に制御文字(U+001B)があります"),
    ("control-nul", put("agenda", 0, "log", 0, "text", "\x00"), "agenda[0].log[0].text", "1文字目に制御文字(U+0000)"),
    ("control-del", put("place", "庁議室\x7f"), "place", "4文字目に制御文字(U+007F)"),
    ("control-c1", put("body", "審議会\x85"), "body", "4文字目に制御文字(U+0085)"),
    ("control-cr", put("agenda", 0, "log", 0, "text", "一\r\n二"), "agenda[0].log[0].text", "2文字目に制御文字(U+000D)"),
    ("control-in-id", put("people", 0, "id", "p\x071"), "people[0].id", "2文字目に制御文字(U+0007)"),
    ("control-question", vote(question="ok\x1f"), f"{V}.question", "3文字目に制御文字(U+001F)"),
    ("surrogate", put("agenda", 0, "log", 0, "text", "あ\ud800"), "agenda[0].log[0].text",
     "2文字目に対になっていないサロゲート(U+D800)"),
    ("newline-name", put("people", 0, "name", "昼間\n守仁"), "people[0].name", "3文字目に改行があります"),
    ("newline-label", put("agenda", 0, "log", 1, "speaker", {"label": "a\nb"}), "agenda[0].log[1].speaker.label", "改行があります"),
    ("newline-question", vote(question="一行目\n二行目"), f"{V}.question", "4文字目に改行があります"),
    ("newline-before-control", put("place", "a\nb\x00"), "place", "2文字目に改行"),
    ("control-before-newline", put("place", "a\x00b\n"), "place", "2文字目に制御文字(U+0000)"),
    ("surrogate-in-extra", put("extra", {"k": "\udc80"}), "extra.k", "サロゲート(U+DC80)"),
    ("nan-in-extra", put("extra", {"k": [math.nan]}), "extra.k[0]", "JSONの値ではありません"),
    ("tuple-in-extra", put("extra", {"k": (1, 2)}), "extra.k", "JSONの値ではありません"),
    # votes against their ballots
    ("vote-majority-wrong", vote(result="不承認"), f"{V}.result",
     f"議題「{ITEM_TITLE}」の採決の結果(result)が票と合いません: 賛成2、反対1、保留0は過半数の規則では「承認」ですが、result は「不承認」です。"),
    ("vote-tie-no-chair", vote(ballots={"p2": "承認", "p3": "承認", "p4": "不承認", "p5": "不承認", "p6": "保留"}),
     f"{V}.chair_decides", f"議題「{ITEM_TITLE}」の採決は可否同数(賛成2、反対2、保留1)です。"),
    ("vote-tie-chair-differs",
     vote(ballots={"p2": "承認", "p3": "承認", "p4": "不承認", "p5": "不承認", "p6": "保留"}, chair_decides="不承認"),
     f"{V}.result", "可否同数(賛成2、反対2、保留1)で会長の決定は「不承認」ですが、結果(result)が「承認」"),
    ("vote-empty-tie", vote(ballots={}), f"{V}.chair_decides", "可否同数(賛成0、反対0、保留0)"),
    ("vote-chair-on-non-tie", vote(chair_decides="承認"), f"{V}.chair_decides", "可否同数ではない(賛成2、反対1、保留0、過半数)"),
    ("vote-two-thirds", vote(rule="two_thirds", ballots={"p2": "承認", "p3": "不承認"}, chair_decides=None),
     f"{V}.result", "賛成1、反対1、保留0は3分の2以上の規則では「不承認」"),
    ("vote-unanimous", vote(rule="unanimous"), f"{V}.result", "賛成2、反対1、保留0は全会一致の規則では「不承認」"),
    ("vote-unanimous-no-ballots", vote(rule="unanimous", ballots={"p2": "保留"}), f"{V}.result", "全会一致の規則では「不承認」"),
]


@pytest.mark.parametrize(
    "mutate, path, fragment",
    [pytest.param(m, p, f, id=i) for i, m, p, f in CASES],
)
def test_refusal(mutate, path, fragment):
    data = mutate(base())
    with pytest.raises(FormatError) as info:
        meeting_from_dict(data, SOURCE)
    err = info.value
    assert err.source == SOURCE
    assert err.path == path, err.message
    assert fragment in err.message
    assert str(err) == (f"{SOURCE}: {path}: {err.message}" if path else f"{SOURCE}: {err.message}")
    str(err).encode("utf-8")  # printable: no lone surrogates leak into the message


def test_case_ids_are_unique():
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "mutate",
    [
        put("people", 0, "name", "昼間\t守仁"),
        put("agenda", 0, "log", 0, "text", "段落1\n\n段落2\tタブ"),
        put("place", ""),
        put("agenda", 0, "kind", ""),
        put("people", 0, "reading", ""),
        vote(question=""),
        put("end", None),
        put("end", "17:30"),
        put("date", "1926-12-25"),
        put("date", "2024-02-29"),
        put("start", "00:00"),
        put("end", "23:59"),
        put("people", 6, "arrived", "23:59"),
        put("extra", {"x": {"y": [1, "\x00"]}, "people": "free"}),
        vote(ballots={"p2": "承認", "p3": "不承認"}, chair_decides="承認"),
        vote(rule="two_thirds", ballots={"p2": "承認", "p3": "承認", "p4": "不承認", "p5": "保留"}),
        vote(rule="unanimous", ballots={"p2": "承認", "p3": "保留"}),
        put("people", 0, "votes", True),
        put("people", 7, "votes", True),
        put("people", 8, "id", "委員 1.[a]"),
        lambda d: put("people", 1, "votes", True)(put("people", 1, "department", "学識経験者")(put("people", 1, "group", "オブザーバー")(d))),
    ],
)
def test_near_misses_are_accepted(mutate):
    data = mutate(base())
    # the vote must stay consistent when we give votes to p1 / s1
    meeting_from_dict(data, SOURCE)


# -- refusals of the file itself (bytes and text) -----------------------------


def example_bytes() -> bytes:
    return json.dumps(base(), ensure_ascii=False, indent=2).encode("utf-8")


def test_example_bytes_parse():
    parse_meeting(example_bytes(), SOURCE)


BYTE_CASES = [
    ("invalid-utf8", b'{\n"body": "\x82\xa0"}', "", "2行目(12バイト目)にUTF-8として読めないバイト 0x82"),
    ("shift-jis", base()["body"].encode("shift_jis"), "", "UTF-8として読めないバイト"),
    ("utf16", json.dumps(base()).encode("utf-16"), "", "UTF-16で保存されている"),
    ("encoded-surrogate", b'{"body": "\xed\xa0\x80"}', "", "UTF-8として読めない"),
    ("empty", b"", "", "ファイルが空です"),
    ("blank", b" \n\t ", "", "ファイルが空です"),
    ("syntax-missing-comma", b'{\n  "format": "kaigiroku.meeting"\n  "version": 1\n}', "",
     "JSONとして読めません(3行3列目: 「,」がありません)"),
    ("syntax-trailing-comma", b'{"format": "kaigiroku.meeting",}', "", "1行32列目"),
    ("syntax-unterminated", b'{"body": "abc', "", "文字列が閉じられていません"),
    ("syntax-raw-newline", b'{"body": "a\nb"}', "", "文字列の中に制御文字があります"),
    ("syntax-single-quotes", b"{'body': 1}", "", "キーを二重引用符"),
    ("syntax-extra-data", b"{} {}", "", "余分な文字"),
    ("syntax-bad-escape", b'{"a": "\\x"}', "", "「\\」のあとの書き方"),
    ("duplicate-top-key", b'{"format": "kaigiroku.meeting", "version": 1, "version": 1}', "version",
     "キー「version」が同じオブジェクトの中に2回あります"),
    ("duplicate-nested-key", b'{"people": [{"id": "p1", "id": "p2"}]}', "people[0].id", "2回あります"),
    ("nan", b'{"observers": NaN}', "observers", "「NaN」はJSONの数ではありません"),
    ("infinity", b'{"extra": {"x": [-Infinity]}}', "extra.x[0]", "JSONの数ではありません"),
    ("huge-float", b'{"extra": {"x": 1e400}}', "extra.x", "「1e400」はJSONの数ではありません"),
    ("huge-int", b'{"serial": 1' + b"0" * 5000 + b"}", "", "桁数の多すぎる数"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "", "入れ子"),
    ("not-object", b"[1, 2]", "", "JSONのオブジェクト"),
    ("version-3", b'{"format": "kaigiroku.meeting", "version": 3, "new_key": 1}', "version", "形式の版3です"),
]


@pytest.mark.parametrize("data, path, fragment", [pytest.param(d, p, f, id=i) for i, d, p, f in BYTE_CASES])
def test_file_refusal(data, path, fragment):
    with pytest.raises(FormatError) as info:
        parse_meeting(data, SOURCE)
    err = info.value
    assert (err.source, err.path) == (SOURCE, path), err.message
    assert fragment in err.message


def test_lone_surrogate_escape_in_json_is_refused():
    text = example_bytes().decode("utf-8").replace("諮問です。", "諮問\\ud800です。")
    with pytest.raises(FormatError) as info:
        parse_meeting(text, SOURCE)
    assert info.value.path == "agenda[0].log[0].text"
    assert "3文字目に対になっていないサロゲート(U+D800)" in info.value.message


def test_escaped_control_character_in_json_is_refused():
    text = example_bytes().decode("utf-8").replace("昼間守仁", "昼間\\u001b守仁")
    with pytest.raises(FormatError) as info:
        parse_meeting(text, SOURCE)
    assert info.value.path == "people[0].name"
    assert "3文字目に制御文字(U+001B)があります" in info.value.message


def test_first_problem_is_reported():
    data = base()
    data["people"][0]["name"] = ""
    data["agenda"][0]["log"][0]["speaker"] = "p9"
    data["date"] = "2022-02-30"
    data["zzz"] = 1
    with pytest.raises(FormatError) as info:
        meeting_from_dict(data, SOURCE)
    assert info.value.path == "zzz"  # unknown keys of an object come before its values
    del data["zzz"]
    with pytest.raises(FormatError) as info:
        meeting_from_dict(data, SOURCE)
    assert info.value.path == "date"  # table order: date before people and agenda
    data["date"] = "2022-03-15"
    with pytest.raises(FormatError) as info:
        meeting_from_dict(data, SOURCE)
    assert info.value.path == "people[0].name"
