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
