"""Statutory and recording vocabularies: each code with the words a person reads."""

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a label: `Member = ("value", "Label")`."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class ReferralSource(LabelledEnum):
    """DfE Children in Need census: the source of a referral, recorded at contact."""

    FAMILY = ("1A", "1A Individual: family member, relative or carer")
    ACQUAINTANCE = ("1B", "1B Individual: acquaintance, including neighbours and child minders")
    SELF = ("1C", "1C Individual: self")
    OTHER_INDIVIDUAL = ("1D", "1D Individual: other")
    SCHOOLS = ("2A", "2A Schools")
    EDUCATION_SERVICES = ("2B", "2B Education services")
    GP = ("3A", "3A Health services: GP")
    HEALTH_VISITOR = ("3B", "3B Health services: health visitor")
    SCHOOL_NURSE = ("3C", "3C Health services: school nurse")
    OTHER_PRIMARY_HEALTH = ("3D", "3D Health services: other primary health services")
    A_AND_E = ("3E", "3E Health services: A&E")
    OTHER_HEALTH = ("3F", "3F Health services: other")
    HOUSING = ("4", "4 Housing")
    LA_SOCIAL_CARE = ("5A", "5A Local authority services: social care")
    OTHER_INTERNAL_LA = ("5B", "5B Local authority services: other internal")
    EXTERNAL_LA = ("5C", "5C Local authority services: external")
    EARLY_HELP = ("5D", "5D Local authority services: early help")
    POLICE = ("6", "6 Police")
    OTHER_LEGAL = ("7", "7 Other legal agency")
    OTHER = ("8", "8 Other, including voluntary organisations")
    ANONYMOUS = ("9", "9 Anonymous")
    UNKNOWN = ("10", "10 Unknown")


class Channel(LabelledEnum):
    PHONE = ("phone", "Phone")
    EMAIL = ("email", "E-mail")
    LETTER = ("letter", "Letter")
    IN_PERSON = ("in_person", "In person")
    ONLINE = ("online", "Online form")


class ConcernCategory(LabelledEnum):
    PHYSICAL_ABUSE = ("physical_abuse", "Physical abuse")
    SEXUAL_ABUSE = ("sexual_abuse", "Sexual abuse")
    EMOTIONAL_ABUSE = ("emotional_abuse", "Emotional abuse")
    NEGLECT = ("neglect", "Neglect")
    DOMESTIC_ABUSE = ("domestic_abuse", "Domestic abuse in the household")
    EXPLOITATION = ("exploitation", "Exploitation (sexual or criminal)")
    MISSING = ("missing", "Child missing or whereabouts unknown")
    PARENTAL_CAPACITY = ("parental_capacity", "Parent's or carer's health, drugs or alcohol")
    CHILD_HEALTH_OR_DISABILITY = ("child_health", "Child's health or disability")
    FAMILY_STRESS = ("family_stress", "Family in acute stress")
    OTHER = ("other", "Other")
    NOT_KNOWN = ("not_known", "Not known")


class NoReferrerDetailsReason(LabelledEnum):
    """R39: why a call not put through at once has no referrer's name, address and number."""

    ANONYMOUS = ("anonymous", "The caller wished to remain anonymous")
    REFUSED = ("refused", "The caller refused to give them")
    CALL_ENDED = ("call_ended", "The call ended before they could be taken")


class InterpreterNeed(LabelledEnum):
    """R18: whether the child needs an interpreter."""

    NEEDED = ("needed", "Yes, an interpreter is needed")
    NOT_NEEDED = ("not_needed", "No")
    NOT_KNOWN = ("not_known", "Not known")


class ConfirmationMethod(LabelledEnum):
    """R21: how a professional referrer confirmed the referral in writing."""

    SECURE_EMAIL = ("secure_email", "Secure e-mail")
    EMAIL = ("email", "E-mail")
    ONLINE_FORM = ("online_form", "Online referral form")
    LETTER = ("letter", "Letter")
    FAX = ("fax", "Fax")


class Sex(LabelledEnum):
    """DfE Children in Need census `Sex` (from 2024-25; it replaces GenderCurrent)."""

    MALE = ("M", "Male")
    FEMALE = ("F", "Female")
    UNKNOWN = ("U", "Not known, not recorded, or unborn")


class Ethnicity(LabelledEnum):
    """DfE Children in Need census `Ethnicity`: the main codes of the school census."""

    WHITE_BRITISH = ("WBRI", "White British")
    WHITE_IRISH = ("WIRI", "White Irish")
    IRISH_TRAVELLER = ("WIRT", "Traveller of Irish heritage")
    WHITE_OTHER = ("WOTH", "Any other White background")
    GYPSY_ROMA = ("WROM", "Gypsy or Roma")
    WHITE_BLACK_CARIBBEAN = ("MWBC", "White and Black Caribbean")
    WHITE_BLACK_AFRICAN = ("MWBA", "White and Black African")
    WHITE_ASIAN = ("MWAS", "White and Asian")
    MIXED_OTHER = ("MOTH", "Any other mixed background")
    INDIAN = ("AIND", "Indian")
    PAKISTANI = ("APKN", "Pakistani")
    BANGLADESHI = ("ABAN", "Bangladeshi")
    ASIAN_OTHER = ("AOTH", "Any other Asian background")
    CARIBBEAN = ("BCRB", "Caribbean")
    AFRICAN = ("BAFR", "African")
    BLACK_OTHER = ("BOTH", "Any other Black background")
    CHINESE = ("CHNE", "Chinese")
    OTHER = ("OOTH", "Any other ethnic group")
    REFUSED = ("REFU", "Refused")
    NOT_OBTAINED = ("NOBT", "Information not yet obtained")


class Disability(LabelledEnum):
    """DfE Children in Need census `Disability`: a child may have several, or NONE."""

    NONE = ("NONE", "No disability")
    MOBILITY = ("MOB", "Mobility")
    HAND_FUNCTION = ("HAND", "Hand function")
    PERSONAL_CARE = ("PC", "Personal care")
    INCONTINENCE = ("INC", "Incontinence")
    COMMUNICATION = ("COMM", "Communication")
    LEARNING = ("LD", "Learning")
    HEARING = ("HEAR", "Hearing")
    VISION = ("VIS", "Vision")
    BEHAVIOUR = ("BEH", "Behaviour")
    CONSCIOUSNESS = ("CON", "Consciousness")
    AUTISM = ("AUT", "Autism")
    OTHER = ("DDA", "Other")


class NameKind(LabelledEnum):
    """What a name on a child's record is: the name they go by now, or another they are known by."""

    CURRENT = ("current", "Legal or current name")
    KNOWN_AS = ("known_as", "Known as")
    OTHER_SURNAME = ("other_surname", "Other surname")
    ALIAS = ("alias", "Other spelling or alias")


class PrimaryNeed(LabelledEnum):
    """CIN census PrimaryNeedCode: the main reason the child needs a service, found at assessment."""

    ABUSE_OR_NEGLECT = ("N1", "Abuse or neglect")
    CHILDS_DISABILITY = ("N2", "Child's disability")
    PARENTAL_DISABILITY = ("N3", "Parental disability or illness")
    ACUTE_STRESS = ("N4", "Family in acute stress")
    FAMILY_DYSFUNCTION = ("N5", "Family dysfunction")
    SOCIALLY_UNACCEPTABLE_BEHAVIOUR = ("N6", "Socially unacceptable behaviour")
    LOW_INCOME = ("N7", "Low income")
    ABSENT_PARENTING = ("N8", "Absent parenting")
    NOT_IN_NEED = ("N9", "Cases other than children in need")
    NOT_STATED = ("N0", "Not stated")


class AssessmentFactor(LabelledEnum):
    """CIN census AssessmentFactors: what the assessment found bears on the child."""

    ALCOHOL_CHILD = ("1A", "Alcohol misuse by the child")
    ALCOHOL_PARENT = ("1B", "Alcohol misuse by a parent or carer")
    ALCOHOL_OTHER = ("1C", "Alcohol misuse by another person in the household")
    DRUGS_CHILD = ("2A", "Drug misuse by the child")
    DRUGS_PARENT = ("2B", "Drug misuse by a parent or carer")
    DRUGS_OTHER = ("2C", "Drug misuse by another person in the household")
    DOMESTIC_VIOLENCE_CHILD = ("3A", "Domestic violence: the child the subject of it")
    DOMESTIC_VIOLENCE_PARENT = ("3B", "Domestic violence: a parent or carer the subject of it")
    DOMESTIC_VIOLENCE_OTHER = ("3C", "Domestic violence: another person in the household the subject of it")
    MENTAL_HEALTH_CHILD = ("4A", "Mental health of the child")
    MENTAL_HEALTH_PARENT = ("4B", "Mental health of a parent or carer")
    MENTAL_HEALTH_OTHER = ("4C", "Mental health of another person in the family or household")
    LEARNING_DISABILITY_CHILD = ("5A", "Learning disability of the child")
    LEARNING_DISABILITY_PARENT = ("5B", "Learning disability of a parent or carer")
    LEARNING_DISABILITY_OTHER = ("5C", "Learning disability of another person in the family or household")
    PHYSICAL_CHILD = ("6A", "Physical disability or illness of the child")
    PHYSICAL_PARENT = ("6B", "Physical disability or illness of a parent or carer")
    PHYSICAL_OTHER = ("6C", "Physical disability or illness of another person in the family or household")
    YOUNG_CARER = ("7A", "Young carer")
    PRIVATE_FOSTERING_OVERSEAS_RETURN = ("8B", "Privately fostered: overseas child who intends to return")
    PRIVATE_FOSTERING_OVERSEAS_STAY = ("8C", "Privately fostered: overseas child who intends to stay")
    PRIVATE_FOSTERING_EDUCATION = ("8D", "Privately fostered: UK child in an educational placement")
    PRIVATE_FOSTERING_FAMILY = ("8E", "Privately fostered: UK child in an alternative family arrangement")
    PRIVATE_FOSTERING_OTHER = ("8F", "Privately fostered: other")
    UASC = ("9A", "Unaccompanied asylum-seeking child")
    MISSING = ("10A", "Going or being missing")
    CSE = ("11A", "Child sexual exploitation")
    TRAFFICKING = ("12A", "Trafficking")
    GANGS = ("13A", "Gangs")
    BEHAVIOUR = ("14A", "Socially unacceptable behaviour")
    SELF_HARM = ("15A", "Self-harm")
    NEGLECT = ("16A", "Neglect")
    EMOTIONAL_ABUSE = ("17A", "Emotional abuse")
    PHYSICAL_ABUSE_CHILD_ON_CHILD = ("18B", "Physical abuse by another child")
    PHYSICAL_ABUSE_ADULT_ON_CHILD = ("18C", "Physical abuse by an adult")
    SEXUAL_ABUSE_CHILD_ON_CHILD = ("19B", "Sexual abuse by another child")
    SEXUAL_ABUSE_ADULT_ON_CHILD = ("19C", "Sexual abuse by an adult")
    OTHER = ("20", "Other")
    NO_FACTORS = ("21", "No factors identified (only when there is no evidence of any factor above and no "
                        "further action is being taken)")
    FGM = ("22A", "Female genital mutilation")
    FAITH_OR_BELIEF = ("23A", "Abuse linked to faith or belief")
    CRIMINAL_EXPLOITATION = ("24A", "Child criminal exploitation")


class ClosureReason(LabelledEnum):
    """CIN census ReasonForClosure: why the child stopped being a child in need."""

    ADOPTED = ("RC1", "Adopted")
    DIED = ("RC2", "Died")
    CHILD_ARRANGEMENTS_ORDER = ("RC3", "Child arrangements order")
    SPECIAL_GUARDIANSHIP = ("RC4", "Special guardianship order")
    ANOTHER_LA = ("RC5", "Transferred to the services of another local authority")
    ADULT_SERVICES = ("RC6", "Transferred to adult social care services")
    CEASED = ("RC7", "Services ceased for any other reason, including the child no longer in need")
    NFA_AFTER_ASSESSMENT = ("RC8", "Case closed after assessment: no further action")
    EARLY_HELP_AFTER_ASSESSMENT = ("RC9", "Case closed after assessment: referred to early help")


class AbuseCategory(LabelledEnum):
    """CIN census category of abuse of a child protection plan."""

    NEGLECT = ("NEG", "Neglect")
    PHYSICAL = ("PHY", "Physical abuse")
    SEXUAL = ("SAB", "Sexual abuse")
    EMOTIONAL = ("EMO", "Emotional abuse")
    MULTIPLE = ("MUL", "Multiple or not recommended")


class Section47Outcome(LabelledEnum):
    """What a section 47 enquiry found, as the duty team records it."""

    CONFERENCE = ("conference", "Concerns substantiated: the child is likely to suffer significant harm; "
                                "an initial child protection conference is needed")
    SUBSTANTIATED_NO_CONFERENCE = ("substantiated", "Concerns substantiated, but the child is not judged to be "
                                                    "at continuing risk of significant harm")
    NOT_SUBSTANTIATED = ("not_substantiated", "Concerns not substantiated")

    @property
    def needs_conference(self) -> bool:
        return self is Section47Outcome.CONFERENCE


class PlanKind(LabelledEnum):
    CHILD_PROTECTION = ("cp", "Child protection plan")
    CHILD_IN_NEED = ("cin", "Child in need plan")


class CaseStatus(LabelledEnum):
    """Ofsted's Annex A List 6 "Case Status": where a child in need's case stood at a day's end."""

    LOOKED_AFTER = ("looked_after", "Looked after child")
    CHILD_PROTECTION_PLAN = ("cp_plan", "Child protection plan")
    CHILD_IN_NEED_PLAN = ("cin_plan", "Child in need plan")
    OPEN_ASSESSMENT = ("open_assessment", "Open assessment")
    CLOSED = ("closed", "Closed episode")


# --- Ofsted's Annex A: each code as its lists write it ----------------------------------------------
#
# Annex A's template writes the census codes as its drop-down lists give them, a letter first
# ("a) Male", "q) 6: Police"). These are the values of the ILACS Annex A template (lists 1 to 11)
# as the sector's own tools for it read and write them (returns/annex_a.py says which); every
# member of each vocabulary has one, so that no code is ever silently left blank.

#: Annex A's yes / no / unknown answers.
ANNEX_A_YES, ANNEX_A_NO, ANNEX_A_UNKNOWN = "a) Yes", "b) No", "c) Unknown"

#: Annex A "Gender" from the CIN census Sex (Annex A's "d) Neither" has no Sex code).
ANNEX_A_GENDER = {Sex.MALE: "a) Male", Sex.FEMALE: "b) Female", Sex.UNKNOWN: "c) Not stated/recorded"}

#: Annex A "Ethnicity". The template letters both REFU and NOBT "s)".
ANNEX_A_ETHNICITY = {
    Ethnicity.WHITE_BRITISH: "a) WBRI", Ethnicity.WHITE_IRISH: "b) WIRI", Ethnicity.IRISH_TRAVELLER: "c) WIRT",
    Ethnicity.WHITE_OTHER: "d) WOTH", Ethnicity.GYPSY_ROMA: "e) WROM", Ethnicity.WHITE_BLACK_CARIBBEAN: "f) MWBC",
    Ethnicity.WHITE_BLACK_AFRICAN: "g) MWBA", Ethnicity.WHITE_ASIAN: "h) MWAS", Ethnicity.MIXED_OTHER: "i) MOTH",
    Ethnicity.INDIAN: "j) AIND", Ethnicity.PAKISTANI: "k) APKN", Ethnicity.BANGLADESHI: "l) ABAN",
    Ethnicity.ASIAN_OTHER: "m) AOTH", Ethnicity.CARIBBEAN: "n) BCRB", Ethnicity.AFRICAN: "o) BAFR",
    Ethnicity.BLACK_OTHER: "p) BOTH", Ethnicity.CHINESE: "q) CHNE", Ethnicity.OTHER: "r) OOTH",
    Ethnicity.REFUSED: "s) REFU", Ethnicity.NOT_OBTAINED: "s) NOBT",
}

#: Annex A "Contact Source" and "Referral Source" from the CIN census referral source.
ANNEX_A_SOURCE = {
    ReferralSource.FAMILY: "a) 1A: Individual", ReferralSource.ACQUAINTANCE: "b) 1B: Individual",
    ReferralSource.SELF: "c) 1C: Individual", ReferralSource.OTHER_INDIVIDUAL: "d) 1D: Individual",
    ReferralSource.SCHOOLS: "e) 2A: Schools", ReferralSource.EDUCATION_SERVICES: "f) 2B: Education services",
    ReferralSource.GP: "g) 3A: Health services", ReferralSource.HEALTH_VISITOR: "h) 3B: Health services",
    ReferralSource.SCHOOL_NURSE: "i) 3C: Health services",
    ReferralSource.OTHER_PRIMARY_HEALTH: "j) 3D: Health services",
    ReferralSource.A_AND_E: "k) 3E: Health services", ReferralSource.OTHER_HEALTH: "l) 3F: Health services",
    ReferralSource.HOUSING: "m) 4: Housing", ReferralSource.LA_SOCIAL_CARE: "n) 5A: LA services",
    ReferralSource.OTHER_INTERNAL_LA: "o) 5B: LA services", ReferralSource.EXTERNAL_LA: "p) 5C: LA services",
    ReferralSource.EARLY_HELP: "p1) 5D: LA services", ReferralSource.POLICE: "q) 6: Police",
    ReferralSource.OTHER_LEGAL: "r) 7: Other legal agency", ReferralSource.OTHER: "s) 8: Other",
    ReferralSource.ANONYMOUS: "t) 9: Anonymous", ReferralSource.UNKNOWN: "u) 10: Unknown",
}

#: Annex A "Primary Need Code".
ANNEX_A_PRIMARY_NEED = {
    PrimaryNeed.ABUSE_OR_NEGLECT: "N1 - Abuse or neglect", PrimaryNeed.CHILDS_DISABILITY: "N2 - Child's disability",
    PrimaryNeed.PARENTAL_DISABILITY: "N3 - Parental disability or illness",
    PrimaryNeed.ACUTE_STRESS: "N4 - Family in acute stress", PrimaryNeed.FAMILY_DYSFUNCTION: "N5 - Family dysfunction",
    PrimaryNeed.SOCIALLY_UNACCEPTABLE_BEHAVIOUR: "N6 - Socially unacceptable behaviour",
    PrimaryNeed.LOW_INCOME: "N7 - Low income", PrimaryNeed.ABSENT_PARENTING: "N8 - Absent parenting",
    PrimaryNeed.NOT_IN_NEED: "N9 - Cases other than children in need", PrimaryNeed.NOT_STATED: "N0 - Not stated",
}

#: Annex A "Reason for Closure".
ANNEX_A_CLOSURE_REASON = {
    ClosureReason.ADOPTED: "RC1 - Adopted", ClosureReason.DIED: "RC2 - Died",
    ClosureReason.CHILD_ARRANGEMENTS_ORDER: "RC3 - Child arrangements order",
    ClosureReason.SPECIAL_GUARDIANSHIP: "RC4 - Special guardianship order",
    ClosureReason.ANOTHER_LA: "RC5 - Transferred to services of another local authority",
    ClosureReason.ADULT_SERVICES: "RC6 - Transferred to adult social care services",
    ClosureReason.CEASED: "RC7 - Services ceased for any other reason, including child no longer in need",
    ClosureReason.NFA_AFTER_ASSESSMENT: "RC8 - Case closed after assessment, no further action",
    ClosureReason.EARLY_HELP_AFTER_ASSESSMENT: "RC9 - Case closed after assessment, referred to early help",
}

#: Annex A "Case Status".
ANNEX_A_CASE_STATUS = {
    CaseStatus.LOOKED_AFTER: "a) Looked after child", CaseStatus.CHILD_PROTECTION_PLAN: "b) Child Protection plan",
    CaseStatus.CHILD_IN_NEED_PLAN: "c) Child in need plan", CaseStatus.OPEN_ASSESSMENT: "d) Open assessment",
    CaseStatus.CLOSED: "e) Closed episode",
}


def annex_a_yes_no(answer: bool | None) -> str | None:
    """Annex A's "a) Yes" or "b) No"; None (a blank) when there is no answer yet."""
    if answer is None:
        return None
    return ANNEX_A_YES if answer else ANNEX_A_NO


def annex_a_disability(codes: list[str] | None) -> str:
    """Annex A "Does the Child have a Disability" from the CIN census codes: none recorded yet is
    Annex A's own "c) Unknown"."""
    if not codes:
        return ANNEX_A_UNKNOWN
    return ANNEX_A_NO if codes == [Disability.NONE.value] else ANNEX_A_YES
