"""The mix of a generated story of calls (benchmarks/casework_rows.py): the share of each kind of
call, referrer, decision, need and ending, and the words its rows are written with (names, streets,
concerns, services). `pick(rng, table)` draws from a `_weights` table."""

import random
from bisect import bisect_right

from dutydesk.models.cases import ScreeningOutcome
from dutydesk.models.codes import (AbuseCategory, AssessmentFactor, Channel, ClosureReason, ConcernCategory,
                                   Disability, Ethnicity, PrimaryNeed, ReferralSource, Section47Outcome)




def _weights(pairs) -> tuple[list, None, list]:
    """Values and their weights, for `pick` (the weights made cumulative once)."""
    values, weights = zip(*pairs)
    total, cumulative = 0.0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return list(values), None, cumulative


CHANNELS = _weights([(Channel.PHONE, 68), (Channel.EMAIL, 12), (Channel.ONLINE, 10), (Channel.IN_PERSON, 6),
                     (Channel.LETTER, 4)])
CATEGORIES = _weights([(ConcernCategory.NEGLECT, 20), (ConcernCategory.DOMESTIC_ABUSE, 18),
                       (ConcernCategory.PHYSICAL_ABUSE, 12), (ConcernCategory.EMOTIONAL_ABUSE, 9),
                       (ConcernCategory.PARENTAL_CAPACITY, 12), (ConcernCategory.SEXUAL_ABUSE, 4),
                       (ConcernCategory.EXPLOITATION, 3), (ConcernCategory.MISSING, 3),
                       (ConcernCategory.CHILD_HEALTH_OR_DISABILITY, 5), (ConcernCategory.FAMILY_STRESS, 8),
                       (ConcernCategory.OTHER, 4), (ConcernCategory.NOT_KNOWN, 2)])
HARM_CATEGORIES = {ConcernCategory.PHYSICAL_ABUSE, ConcernCategory.SEXUAL_ABUSE, ConcernCategory.EMOTIONAL_ABUSE,
                   ConcernCategory.EXPLOITATION}
CONCERNS = {
    ConcernCategory.NEGLECT: "The child has come to school hungry and in the same clothes all week; the home is "
                             "reported to be without heating.",
    ConcernCategory.DOMESTIC_ABUSE: "Police attended a domestic incident at the home overnight; the children were "
                                    "present.",
    ConcernCategory.PHYSICAL_ABUSE: "The child has bruising to the upper arm and says a parent grabbed them.",
    ConcernCategory.EMOTIONAL_ABUSE: "The child is frightened to go home and describes being shouted at and "
                                     "locked in their room.",
    ConcernCategory.PARENTAL_CAPACITY: "A parent was found intoxicated while caring for the children alone.",
    ConcernCategory.SEXUAL_ABUSE: "The child has made a disclosure to a teacher about an adult in the household.",
    ConcernCategory.EXPLOITATION: "The child has been found far from home with older men and new phones.",
    ConcernCategory.MISSING: "The child has been reported missing three times this month.",
    ConcernCategory.CHILD_HEALTH_OR_DISABILITY: "Missed hospital appointments for the child's long-term "
                                                "condition; the family is not answering calls.",
    ConcernCategory.FAMILY_STRESS: "The family has been evicted and is sofa-surfing; the parent says they cannot "
                                   "cope.",
    ConcernCategory.OTHER: "The caller is worried about the child's safety at home.",
    ConcernCategory.NOT_KNOWN: "The caller could not say what the worry was before the line dropped.",
}
PROFESSIONAL_SOURCES = _weights([
    (ReferralSource.POLICE, 28), (ReferralSource.SCHOOLS, 18), (ReferralSource.EDUCATION_SERVICES, 2),
    (ReferralSource.GP, 3), (ReferralSource.HEALTH_VISITOR, 3), (ReferralSource.SCHOOL_NURSE, 1),
    (ReferralSource.OTHER_PRIMARY_HEALTH, 2), (ReferralSource.A_AND_E, 3), (ReferralSource.OTHER_HEALTH, 4),
    (ReferralSource.HOUSING, 3), (ReferralSource.LA_SOCIAL_CARE, 3), (ReferralSource.OTHER_INTERNAL_LA, 2),
    (ReferralSource.EXTERNAL_LA, 2), (ReferralSource.EARLY_HELP, 2), (ReferralSource.OTHER_LEGAL, 2),
    (ReferralSource.OTHER, 3)])
INDIVIDUAL_SOURCES = _weights([(ReferralSource.FAMILY, 45), (ReferralSource.ACQUAINTANCE, 15),
                               (ReferralSource.SELF, 8), (ReferralSource.OTHER_INDIVIDUAL, 10),
                               (ReferralSource.ANONYMOUS, 16), (ReferralSource.UNKNOWN, 6)])
AGENCIES = {
    ReferralSource.POLICE: ("Police constable", "Metropolitan Police, Tottenham"),
    ReferralSource.SCHOOLS: ("Designated safeguarding lead", "Park Lane Primary School"),
    ReferralSource.EDUCATION_SERVICES: ("Education welfare officer", "Haringey Education Services"),
    ReferralSource.GP: ("GP", "Bruce Grove Medical Practice"),
    ReferralSource.HEALTH_VISITOR: ("Health visitor", "Whittington Health"),
    ReferralSource.SCHOOL_NURSE: ("School nurse", "Whittington Health"),
    ReferralSource.OTHER_PRIMARY_HEALTH: ("Midwife", "North Middlesex Hospital"),
    ReferralSource.A_AND_E: ("A&E sister", "North Middlesex Hospital"),
    ReferralSource.OTHER_HEALTH: ("CAMHS clinician", "Tavistock CAMHS"),
    ReferralSource.HOUSING: ("Housing officer", "Homes for Haringey"),
    ReferralSource.LA_SOCIAL_CARE: ("Social worker", "Leaving care team"),
    ReferralSource.OTHER_INTERNAL_LA: ("Youth worker", "Youth service"),
    ReferralSource.EXTERNAL_LA: ("Social worker", "London Borough of Enfield"),
    ReferralSource.EARLY_HELP: ("Family support worker", "Early help hub"),
    ReferralSource.OTHER_LEGAL: ("Probation officer", "National Probation Service"),
    ReferralSource.OTHER: ("Project worker", "Women's Aid"),
}
RELATIONS = {ReferralSource.FAMILY: "Aunt", ReferralSource.ACQUAINTANCE: "Neighbour", ReferralSource.SELF: "Self",
             ReferralSource.OTHER_INDIVIDUAL: "Family friend", ReferralSource.ANONYMOUS: "",
             ReferralSource.UNKNOWN: "Member of the public"}
CHILDREN_PER_CALL = _weights([(1, 60), (2, 26), (3, 10), (4, 4)])
NEEDS_PER_CHILD = _weights([(1, 50), (2, 35), (3, 15)])
SECTION47_OUTCOMES = _weights([(Section47Outcome.CONFERENCE, 45), (Section47Outcome.SUBSTANTIATED_NO_CONFERENCE, 25),
                               (Section47Outcome.NOT_SUBSTANTIATED, 30)])
OUTCOMES = _weights([(ScreeningOutcome.NO_FURTHER_ACTION, 27), (ScreeningOutcome.ADVICE, 15),
                     (ScreeningOutcome.EARLY_HELP, 20), (ScreeningOutcome.REFERRAL, 28),
                     (ScreeningOutcome.STRATEGY_DISCUSSION, 10)])
RATIONALES = {
    ScreeningOutcome.NO_FURTHER_ACTION: "Checks made with the school and the GP; no concerns that need a service.",
    ScreeningOutcome.ADVICE: "Advice given to the parent on support available; signposted to the children's centre.",
    ScreeningOutcome.EARLY_HELP: "Needs below the threshold for social care; the family agrees to early help.",
    ScreeningOutcome.REFERRAL: "The child may be in need: a child and family assessment is required.",
    ScreeningOutcome.STRATEGY_DISCUSSION: "Reasonable cause to suspect significant harm: strategy discussion with "
                                          "the police and health.",
}
ETHNICITIES = _weights([(Ethnicity.WHITE_BRITISH, 46), (Ethnicity.WHITE_OTHER, 9), (Ethnicity.WHITE_IRISH, 1),
                        (Ethnicity.IRISH_TRAVELLER, 1), (Ethnicity.GYPSY_ROMA, 1),
                        (Ethnicity.WHITE_BLACK_CARIBBEAN, 3), (Ethnicity.WHITE_BLACK_AFRICAN, 2),
                        (Ethnicity.WHITE_ASIAN, 2), (Ethnicity.MIXED_OTHER, 3), (Ethnicity.INDIAN, 2),
                        (Ethnicity.PAKISTANI, 3), (Ethnicity.BANGLADESHI, 2), (Ethnicity.ASIAN_OTHER, 2),
                        (Ethnicity.CARIBBEAN, 2), (Ethnicity.AFRICAN, 5), (Ethnicity.BLACK_OTHER, 2),
                        (Ethnicity.CHINESE, 1), (Ethnicity.OTHER, 2), (Ethnicity.REFUSED, 1),
                        (Ethnicity.NOT_OBTAINED, 4), (None, 6)])
DISABILITY_CODES = [d.value for d in Disability if d is not Disability.NONE]
LANGUAGES = _weights([("English", 78), ("Polish", 4), ("Turkish", 4), ("Somali", 3), ("Bengali", 3),
                      ("Romanian", 3), ("Arabic", 2), ("Portuguese", 2), ("", 1)])
FACTORS = [f.value for f in AssessmentFactor if f is not AssessmentFactor.NO_FACTORS]
COMMON_FACTORS = ["3A", "3B", "4B", "2B", "1B", "16A", "17A", "18C", "4A", "5A", "14A", "10A", "11A", "24A"]
NEEDS_WHEN_REQUIRED = _weights([(PrimaryNeed.ABUSE_OR_NEGLECT, 52), (PrimaryNeed.CHILDS_DISABILITY, 6),
                                (PrimaryNeed.PARENTAL_DISABILITY, 6), (PrimaryNeed.ACUTE_STRESS, 10),
                                (PrimaryNeed.FAMILY_DYSFUNCTION, 16), (PrimaryNeed.SOCIALLY_UNACCEPTABLE_BEHAVIOUR, 3),
                                (PrimaryNeed.LOW_INCOME, 1), (PrimaryNeed.ABSENT_PARENTING, 3),
                                (PrimaryNeed.NOT_STATED, 3)])
NEEDS_WHEN_NOT = _weights([(PrimaryNeed.NOT_IN_NEED, 60), (PrimaryNeed.FAMILY_DYSFUNCTION, 12),
                           (PrimaryNeed.ACUTE_STRESS, 12), (PrimaryNeed.ABUSE_OR_NEGLECT, 10),
                           (PrimaryNeed.NOT_STATED, 6)])
NEED_WORDS = ["Safe and stable housing", "Support with the parent's mental health",
              "Help for the parent to stop drinking", "Parenting support", "A safe place after school",
              "Therapy for the child after the abuse", "Help to get back into school",
              "Respite care for the child's disability", "Protection from the abusive partner",
              "Support with debt and benefits", "Work with the child on going missing"]
SERVICES = [("Family support worker, weekly visits", "Early help hub"), ("Parenting programme", "Family Action"),
            ("Counselling for the child", "Tavistock CAMHS"), ("Substance misuse service", "Haringey Drug Service"),
            ("IDVA support", "Solace Women's Aid"), ("Respite care", "Haringey short breaks"),
            ("Housing advice and a move", "Homes for Haringey"), ("Mentoring", "Youth service"),
            ("School attendance plan", "Education welfare service"), ("Debt advice", "Citizens Advice")]
NOT_YET = ["On the waiting list for the service", "The family has not yet agreed to the service",
           "Funding requested, not yet approved", ""]
CATEGORIES_OF_ABUSE = _weights([(AbuseCategory.NEGLECT, 48), (AbuseCategory.EMOTIONAL, 38),
                                (AbuseCategory.PHYSICAL, 7), (AbuseCategory.SEXUAL, 4), (AbuseCategory.MULTIPLE, 3)])
CLOSE_REQUIRING = _weights([(ClosureReason.CEASED, 80), (ClosureReason.ANOTHER_LA, 6),
                            (ClosureReason.CHILD_ARRANGEMENTS_ORDER, 4), (ClosureReason.SPECIAL_GUARDIANSHIP, 3),
                            (ClosureReason.ADULT_SERVICES, 3), (ClosureReason.ADOPTED, 2), (ClosureReason.DIED, 0.3),
                            (ClosureReason.EARLY_HELP_AFTER_ASSESSMENT, 1.7)])
CLOSURE_NOTES = {ClosureReason.CEASED: "The plan's goals are met; the family no longer needs a service.",
                 ClosureReason.NFA_AFTER_ASSESSMENT: "Assessment complete: no further action.",
                 ClosureReason.EARLY_HELP_AFTER_ASSESSMENT: "Assessment complete: stepped down to early help."}
ACTIONS = ["Home visit with the police", "Check with the school nurse", "Ring the GP for a health history",
           "Speak to the child's head teacher", "Check the child protection register in the last borough",
           "Arrange a medical for the child", "Speak to the child alone at school"]
ATTENDEES = [("DS Karen Hollis", "Metropolitan Police"), ("Dr Amina Shah", "Designated doctor, Whittington Health"),
             ("Jo Pryce", "Park Lane Primary School"), ("Sam Okoro", "Health visiting"),
             ("Lee Walsh", "Probation")]
STREETS = ["Park Lane", "High Road", "Lordship Lane", "West Green Road", "Philip Lane", "Bruce Grove", "Church Road",
           "Mount Pleasant Road", "Broadwater Road", "Tower Gardens Road", "Moselle Avenue", "Forster Road",
           "Clyde Road", "Sperling Road", "Waltheof Avenue", "Downhills Way", "Lansdowne Road", "Fairfax Road"]
POSTCODES = ["N17", "N15", "N22", "N8", "N4", "N10", "N11", "N6", "N2"]
GIRLS = ["Amara", "Maya", "Zara", "Ruby", "Aisha", "Isla", "Fatima", "Chloe", "Lily", "Grace", "Amelia", "Olivia",
         "Hana", "Maryam", "Zofia", "Elif", "Ayesha", "Nia", "Ella", "Freya", "Sofia", "Ana", "Layla", "Esme"]
BOYS = ["Leo", "Kai", "Yusuf", "Oliver", "Ethan", "Noah", "Tomasz", "Jayden", "Musa", "Dev", "Harry", "Jack",
        "Mohammed", "Ibrahim", "Jakub", "Emre", "Kofi", "Tyler", "Oscar", "Alfie", "Rayan", "Mateo", "Kwame", "Finn"]
SURNAMES = ["Martin", "Okafor", "Nowak", "Ahmed", "Smith", "Kaya", "Campbell", "Patel", "Murphy", "Osei", "Jones",
            "Ali", "Brown", "Silva", "Khan", "Evans", "Mensah", "Taylor", "Hussain", "Walker", "Kowalski", "Yilmaz",
            "Begum", "Mohamed", "Williams", "Johnson", "O'Brien", "Demir", "Popescu", "Hassan", "Adeyemi", "Clarke"]
ANYONE = GIRLS + BOYS
NICKNAMES = {"Oliver": "Ollie", "Amelia": "Millie", "Mohammed": "Mo", "Alexander": "Alex", "Tomasz": "Tom",
             "Ibrahim": "Ibby", "Harry": "Haz", "Jakub": "Kuba", "Sofia": "Sophie", "Elif": "Eli"}
MISSPELT = {"Aisha": "Ayesha", "Zara": "Zahra", "Mohammed": "Muhammad", "Yusuf": "Yousef", "Fatima": "Fatimah",
            "Okafor": "Okafur", "Hussain": "Husain", "Kowalski": "Kovalski", "Mensah": "Mensa", "Popescu": "Popesku",
            "Adeyemi": "Adeyemmi", "Campbell": "Cambell", "Maryam": "Mariam", "Leo": "Lio", "Jayden": "Jaden"}


def pick(rng: random.Random, table: tuple[list, None, list]):
    """One value of a `_weights` table."""
    cumulative = table[2]
    return table[0][bisect_right(cumulative, rng.random() * cumulative[-1])]


def _factor_order(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits or 0), code
