"""The words that record immigration or citizenship status or place of birth, as (reason,
regular expression) pairs over folded text (lower case, no accents): the data of the detector in
`immigration`, kept apart so a reader can see every phrase in one place.

Pure data. Each pattern holds one of STEMS literally, and every match of it contains that stem:
the detector runs a pattern only when the text holds one of its stems.
"""

from __future__ import annotations

IMMIGRATION_STATUS = "immigration status"
CITIZENSHIP_STATUS = "citizenship status"
PLACE_OF_BIRTH = "place of birth"
IMMIGRATION_AUTHORITIES = "contact with federal immigration authorities"

# (reason, pattern) pairs that are caught wherever they appear (in folded text).
ALWAYS = [
    (
        IMMIGRATION_STATUS,
        r"\bundocumented\s+(?:immigrants?|migrants?|students?|status|aliens?|workers?|persons?|"
        r"people|famil(?:y|ies)|parents?|mother|father|mom|dad|kids?|child(?:ren)?|youth|man|"
        r"woman|men|women|individuals?)\b",
    ),
    (
        IMMIGRATION_STATUS,
        r"\b(?:he|she|they|parents?|famil(?:y|ies)|mother|father|mom|dad|guardians?|aunt|uncle|"
        r"brother|sister|cousin)\s+(?:is|are|was|were|(?:may|might|could|must)\s+be|"
        r"(?:is|are|was|were)\s+(?:probably|possibly|likely|not))\s+undocumented\b",
    ),
    (IMMIGRATION_STATUS, r"\bbeing\s+undocumented\b"),
    # "Maria is undocumented", "the student is undocumented": anyone, unless the subject is a
    # record ("the absence was undocumented").
    (
        IMMIGRATION_STATUS,
        r"\b(?!(?:absences?|absent|tardy|tardies|time|hours?|visits?|expenses?|injur(?:y|ies)|"
        r"incidents?|leave|work|overtime|payments?|claims?|changes?|it|this|that|which|events?|"
        r"contacts?|calls?|transfers?|exits?|withdrawals?|departures?|dismissals?|checkouts?|"
        r"releases?|pickups?|medications?|doses?|use|reason|excuse)\b)[a-z']+\s+"
        r"(?:is|are|was|were|(?:may|might|could|must)\s+be|"
        r"(?:is|are|was|were)\s+(?:probably|possibly|likely|not|also))\s+undocumented\b",
    ),
    (IMMIGRATION_STATUS, r"\bstatus\s*[:=\-–]\s*undocumented\b"),
    (
        IMMIGRATION_STATUS,
        r"\billegal(?:ly)?\s+(?:aliens?|immigrants?|immigration|migrants?|entry|status)\b",
    ),
    (IMMIGRATION_STATUS, r"\billegals\b"),
    (
        IMMIGRATION_STATUS,
        r"\b(?:here|in\s+(?:the\s+)?(?:country|us|u\.?\s?s\.?|united\s+states|america))\s+"
        r"illegally\b",
    ),
    (
        IMMIGRATION_STATUS,
        r"\billegally\s+in\s+(?:the\s+)?(?:country|us|u\.?\s?s\.?|united\s+states|america)\b",
    ),
    (
        IMMIGRATION_STATUS,
        r"\b(?:alien\s+registration|(?:non-?)?resident\s+aliens?|alien\s+status|"
        r"alien\s+(?:number|card))\b",
    ),
    (
        IMMIGRATION_STATUS,
        r"\bvisas?\s+(?:status|expired|expiring|expires|overstay\w*|holders?|applications?|"
        r"problems?|issues?|renewal|sponsorship)\b",
    ),
    (
        IMMIGRATION_STATUS,
        r"\b(?:student|work|tourist|travel|expired|immigrant|nonimmigrant|h-?1b|f-?1|j-?1|"
        r"u|t)\s+visas?\b(?!\s+(?:card|gift|debit|credit))",
    ),
    (IMMIGRATION_STATUS, r"\bon\s+an?\s+(?:\w+\s+)?visa\b(?!\s+(?:card|gift|debit|credit))"),
    (IMMIGRATION_STATUS, r"\boverst(?:ay|ayed|aying|ays)\s+(?:a|an|his|her|their|the)?\s*visa"),
    (IMMIGRATION_STATUS, r"\bdaca\b"),
    (IMMIGRATION_STATUS, r"\bdeport(?:ed|ation|ations|ing|s)?\b"),
    (IMMIGRATION_STATUS, r"\bremoval\s+proceedings?\b"),
    (IMMIGRATION_STATUS, r"\basylum\b"),
    (IMMIGRATION_STATUS, r"\brefugees?\b"),
    (
        IMMIGRATION_STATUS,
        r"\bpermanent\s+residen(?:t|ts|ce|cy)\b|\b(?:legal|lawful)\s+(?:permanent\s+)?residents?\b|"
        r"\bresidency\s+status\b",
    ),
    (IMMIGRATION_STATUS, r"\bnaturaliz(?:ed|ation)\b"),
    (
        IMMIGRATION_STATUS,
        r"\bimmigration\s+(?:status|agents?|officers?|officials?|authorities|enforcement|papers|"
        r"documents?|lawyer|attorney|court|hearing|case|raid|detention|hold|detainer|check|"
        r"questions?|problems?|issues?|services|form|forms|record|records)\b",
    ),
    (
        IMMIGRATION_STATUS,
        r"\b(?:his|her|their|your|(?:family|parents?|mother|father|mom|dad)'s?)\s+immigration\b",
    ),
    (
        IMMIGRATION_STATUS,
        r"\bimmigrants?\b(?!\s+(?:heritage|history|experiences?|stories|unit|"
        r"month|studies|literature|voices))",
    ),
    (
        IMMIGRATION_STATUS,
        r"\b(?:no|without|(?:does\s+not|doesn't|do\s+not|don't|did\s+not|didn't)\s+have|lacks?|"
        r"lacking)\s+(?:legal\s+|immigration\s+|any\s+|valid\s+)?papers\b",
    ),
    (
        IMMIGRATION_STATUS,
        r"\b(?:asked|ask|asking|demanded|demand|verify|verified|show(?:ed)?\s+(?:me|us|him|her)?)"
        r"\s*(?:for\s+|about\s+)?(?:his|her|their|your|the\s+family's)\s+papers\b",
    ),
    (IMMIGRATION_STATUS, r"\b(?:immigration|citizenship|legal|residency)\s+papers\b"),
    # "whether his family has papers", "if he had papers" (not "if she had her papers for the
    # field trip", "has papers due").
    (
        IMMIGRATION_STATUS,
        r"\b(?:whether|if)\s+(?:\w+\s+){0,3}?(?:has|have|had)\s+(?:any\s+|legal\s+|proper\s+|"
        r"valid\s+|the\s+right\s+)?papers\b(?!\s+(?:for|due|signed|from|with|to\s+(?:sign|"
        r"grade|turn|hand|return)))",
    ),
    (IMMIGRATION_STATUS, r"\b(?:no\s+)?(?:tiene|tienen|tenga|tengan|tenia|tenian)\s+papeles\b"),
    # "passport and visa", "visa or passport": the pair is about status.
    (
        CITIZENSHIP_STATUS,
        r"\bpassports?\s*(?:and|or|&|/|,)\s*(?:\w+\s+)?visas?\b|"
        r"\bvisas?\s*(?:and|or|&|/|,)\s*(?:\w+\s+)?passports?\b",
    ),
    (
        IMMIGRATION_STATUS,
        r"\b(?:his|her|their|your|(?:family|parents?|mother|father|mom|dad)'s?)\s+visas?\b"
        r"(?!\s+(?:card|gift|debit|credit))",
    ),
    # "whether they were legal", "if the family is here legally".
    (
        IMMIGRATION_STATUS,
        r"\b(?:whether|if)\s+(?:\w+\s+){0,3}?(?:is|are|was|were)\s+(?:here\s+)?legal(?:ly)?\b"
        r"(?!\s+(?:age|guardians?|custod\w*|name|to\s+drive))",
    ),
    (
        CITIZENSHIP_STATUS,
        r"\b(?:asked|ask|asking|demanded|show(?:ed)?|check(?:ed)?|verif(?:y|ied))\s+"
        r"(?:\w+\s+){0,4}?passports?\b",
    ),
    (
        IMMIGRATION_STATUS,
        r"\bpapers\s+to\s+(?:be|stay|live|work)\s+(?:here|in\s+(?:the\s+)?(?:country|us|"
        r"u\.?\s?s\.?|united\s+states))\b",
    ),
    # Spanish, where it is cheap to be sure.
    (IMMIGRATION_STATUS, r"\bindocumentad[oa]s?\b"),
    (IMMIGRATION_STATUS, r"\bsin\s+papeles\b"),
    (
        IMMIGRATION_STATUS,
        r"\b(?:estatus|estado|situacion)\s+migratori[oa]\b|\binmigracion\b|\binmigrantes?\b",
    ),
    (IMMIGRATION_STATUS, r"\bdeportad[oa]s?\b|\bdeportacion\b|\bdeportar\b"),
    (IMMIGRATION_STATUS, r"\btarjeta\s+verde\b|\bresidencia\s+(?:legal|permanente)\b"),
    (CITIZENSHIP_STATUS, r"\bciudadania\b"),
    (CITIZENSHIP_STATUS, r"\b(?:es|son|era|eran|sea|sean|fue)\s+ciudadan[oa]s?\b"),
    (CITIZENSHIP_STATUS, r"\bnationality\b|\bnacionalidad\b"),
    (CITIZENSHIP_STATUS, r"\bnon-?\s?citizens?\b"),
    (CITIZENSHIP_STATUS, r"\bdual\s+citizen(?:s|ship)?\b"),
    # A label: "Citizenship: none", "citizenship - Ukraine" (a report card's "Citizenship: A" or
    # "Citizenship: Satisfactory" is a behaviour grade, and stays).
    (
        CITIZENSHIP_STATUS,
        r"\bcitizenship(?:\s*:|\s+[-–=]\s)\s*(?!\s)(?!(?:[a-f][+-]?|[snueo]|satisfactory|excellent|"
        r"good|outstanding|needs\s+improvement|unsatisfactory|meets|exceeds|\d)(?:\W|$))",
    ),
    (
        CITIZENSHIP_STATUS,
        r"\bcitizenship\s+(?:status|papers|documents?|proof|question|questions|check|"
        r"verification|test|application|interview)\b|\bproof\s+of\s+citizenship\b",
    ),
    # Place of birth.
    # "POB Kharkiv", "DOB/POB": the abbreviation (not "POB 123", a post office box).
    (PLACE_OF_BIRTH, r"\bpob\b(?!\s*[:#.-]?\s*\d)"),
    (
        PLACE_OF_BIRTH,
        r"\bwhere\s+(?:\w+\s+){0,4}?(?:came|come|comes)\s+from\s+originally\b|"
        r"\b(?:came|come|comes)\s+from\s+originally\b",
    ),
    (PLACE_OF_BIRTH, r"\bplace\s+of\s+birth\b|\bbirth\s?place\b"),
    (PLACE_OF_BIRTH, r"\bcountry\s+of\s+(?:birth|origin|citizenship)\b"),
    (PLACE_OF_BIRTH, r"\b(?:native|home)\s+country\b"),
    (PLACE_OF_BIRTH, r"\bwhere\s+(?:\w+\s+){0,3}?(?:was|were|is|are)\s+born\b"),
    (PLACE_OF_BIRTH, r"\b(?:what|which)\s+country\s+(?:\w+\s+){0,4}?(?:from|born)\b"),
    (PLACE_OF_BIRTH, r"\blugar\s+de\s+nacimiento\b|\bpais\s+de\s+(?:origen|nacimiento)\b"),
    # Federal immigration authorities (lower-case "ice" only beside words that make it the agency).
    (IMMIGRATION_AUTHORITIES, r"\bimmigration\s+and\s+customs\s+enforcement\b"),
    (IMMIGRATION_AUTHORITIES, r"\bborder\s+patrol\b|\bhomeland\s+security\b|\bcbp\b"),
    (IMMIGRATION_AUTHORITIES, r"\bla\s+migra\b|\bmigra\b"),
    (
        IMMIGRATION_AUTHORITIES,
        r"\bice\s+(?:agents?|officers?|officials?|raids?|detainers?|holds?|custody|detained|"
        r"arrested|came|showed\s+up|was\s+(?:here|called|at)|requests?|warrants?)\b",
    ),
    (
        IMMIGRATION_AUTHORITIES,
        r"\b(?:call|called|calling|contact|contacted|contacting|notify|notified|notifying|"
        r"report|reported|reporting|tell|told)\s+(?:the\s+)?ice\b"
        r"(?!\s+(?:pack|packs|cream|cube|cubes|water|rink|skating|on|machine|chest|bag|bags))",
    ),
]
# Speed (findings are recomputed on every keystroke): a pattern only runs when the text holds one
# of the stems written in it. Every pattern contains a stem that all its matches must contain.
STEMS = (
    "undocumented illegal alien visa overst daca deport removal asylum refugee residen naturaliz "
    "immigra papers passport indocumentad papeles migra ciudadan nationality nacionalidad citizen "
    "birth country born nacimiento pais customs border homeland cbp ice pob came come legal"
).split()
