"""Every free-text field of the project, and gallring's decision for it (issue 17 item 10).

`tests/audit/test_gallring_registry.py` lists the text fields of all models and fails
when one is missing here: a new free-text field needs a decision before it ships.
PURGE fields are blanked by `audit.retention` (in the `Historical…` tables too where the
model has history); KEEP fields say why they stay.
"""

PURGE, KEEP = "purge", "keep"

_STAFF = "personalens namn eller kod, inte den registrerades"
_CODE = "kod eller namn på organisation, enhet, program eller arbetsplats"
_TECH = "teknisk uppgift utan personuppgift (kontrollsumma, adress, kod)"

DECISIONS: dict[str, tuple[str, str]] = {
    "casework.coachassignment.actor_label": (KEEP, _STAFF),
    "casework.coachassignment.reason": (PURGE, "fritext om personen"),
    "casework.participantfact.actor_label": (KEEP, _STAFF),
    "casework.participantfact.value": (KEEP, "kod (kön eller skyddad identitet ja/nej)"),
    "casework.savedfilter.name": (KEEP, "personalens eget namn på ett urval"),
    "casework.savedfilter.query": (KEEP, "personalens urval av status, program och datum"),
    "casework.targetgroupfacts.actor_label": (KEEP, _STAFF),
    "casework.targetgroupfacts.reason": (PURGE, "fritext om personen"),
    "programmes.membermunicipality.name": (KEEP, _CODE),
    "programmes.organisation.code": (KEEP, _CODE),
    "programmes.organisation.name": (KEEP, _CODE),
    "programmes.unit.code": (KEEP, _CODE),
    "programmes.unit.name": (KEEP, _CODE),
    "programmes.programme.code": (KEEP, _CODE),
    "programmes.programme.name": (KEEP, _CODE),
    "programmes.workplace.name": (KEEP, _CODE),
    "programmes.goal.measure": (KEEP, "indikatorkoder"),
    "programmes.goal.denominator": (KEEP, "indikatorkoder"),
    "programmes.goal.kind": (KEEP, "kod"),
    "programmes.goal.wording": (KEEP, "överenskommelsens text, inte en uppgift om en person"),
    "programmes.goal.source": (KEEP, "hänvisning till överenskommelsen"),
    "casework.savedreport.status": (KEEP, "kod (preliminär eller fastställd)"),
    "casework.participant.personnummer": (PURGE, "ersätts med platshållare (ADR 0102)"),
    "casework.participant.first_name": (PURGE, "namn"),
    "casework.participant.last_name": (PURGE, "namn"),
    "casework.importbatch.sha256": (KEEP, _TECH),
    "casework.importbatch.filename": (
        KEEP,
        "namnet på en fil med många personer, inte en uppgift om en person",
    ),
    "casework.case.risk_note": (PURGE, "fritext om personen"),
    "casework.case.referring_officer": (PURGE, "kan identifiera personen via remittenten"),
    "casework.case.referring_contact": (PURGE, "kan identifiera personen via remittenten"),
    "casework.case.referral_reason": (PURGE, "fritext om personen"),
    "casework.case.shown_name": (PURGE, "namn"),
    "casework.case.shown_gender": (KEEP, "kod (kön), som deltagarens kön"),
    "casework.transition.actor_label": (KEEP, _STAFF),
    "casework.transition.reason": (PURGE, "fritext om personen"),
    "casework.transition.employment_form": (KEEP, "kod (anställningsform vid avslut, K3)"),
    "casework.employmentcheck.actor_label": (KEEP, _STAFF),
    "casework.spell.state": (KEEP, "kod i projektionen"),
    "casework.spell.exit_reason": (KEEP, "kod i projektionen"),
    "casework.spell.income_support": (KEEP, "kod i projektionen"),
    "casework.summaryperson.gender": (KEEP, "kod (K, M eller X) i indikatorsammanställningen"),
    "casework.summarykind.gender": (KEEP, "kod (K, M eller X) i antal per slag, ingen person"),
    "casework.summaryperiod.version": (KEEP, "kontrollsumma för sammanställningens SQL"),
    "casework.samrad.actor_label": (KEEP, _STAFF),
    "casework.samrad.note": (PURGE, "fritext om personen"),
    "casework.extension.actor_label": (KEEP, _STAFF),
    "casework.extension.reason": (PURGE, "fritext om personen"),
    "casework.enrolment.actor_label": (KEEP, _STAFF),
    "casework.enrolment.course": (KEEP, "utbildningens namn, behövs för indikatorerna"),
    "casework.enrolmentend.actor_label": (KEEP, _STAFF),
    "casework.followup.actor_label": (KEEP, _STAFF),
    "casework.note.actor_label": (KEEP, _STAFF),
    "casework.note.text": (PURGE, "fritext om personen"),
    "casework.assessment.actor_label": (KEEP, _STAFF),
    "casework.savedreport.saved_by_label": (KEEP, _STAFF),
    "referrals.waitinglistentry.reason": (
        PURGE,
        "fritext om personen (issue 17: överlevde gallring)",
    ),
    "referrals.waitinglistentry.extension_reason": (PURGE, "fritext om personen"),
    "referrals.importjob.filename": (KEEP, "som importbatchens filnamn"),
    "audit.accesslog.operator": (KEEP, _STAFF),
    "audit.accesslog.unit_codes": (KEEP, _CODE),
    "audit.accesslog.action": (KEEP, _TECH),
    "audit.accesslog.route": (KEEP, "adresser bär id, aldrig personnummer (G4)"),
    "audit.accesslog.filter_description": (KEEP, "L3: urvalet, aldrig fullständigt personnummer"),
    "audit.securityevent.route": (KEEP, "adresser bär id, aldrig personnummer (G4)"),
    "audit.securityevent.object_ref": (KEEP, _TECH),
    "audit.securityevent.detail": (KEEP, _TECH),
    "audit.chainentry.kind": (KEEP, _TECH),
    "audit.chainentry.digest": (KEEP, _TECH),
    "audit.chainentry.content_digest": (KEEP, _TECH),
    "audit.chainentry.hash": (KEEP, _TECH),
    "audit.chainblock.merkle_root": (KEEP, _TECH),
    "audit.chainblock.prev_hash": (KEEP, _TECH),
    "audit.chainblock.hash": (KEEP, _TECH),
    "audit.purgerecord.run_by": (KEEP, _STAFF),
    "audit.purgerecord.criteria": (KEEP, _TECH),
    "surveys.surveyquestion.text": (KEEP, "programmets fråga, inte ett svar"),
    "surveys.surveyquestion.low_label": (KEEP, "programmets skaltext"),
    "surveys.surveyquestion.high_label": (KEEP, "programmets skaltext"),
    "surveys.surveyinvitation.token_hash": (KEEP, _TECH),
    "surveys.surveyanswer.text": (
        PURGE,
        "deltagarens egna ord i enkäten (audit.outside_journal); skalvärdena behålls",
    ),
    "api.apiclient.name": (KEEP, "namnet på ett annat system, inte en person"),
    "api.apitoken.prefix": (KEEP, _TECH),
    "api.apitoken.digest": (KEEP, _TECH),
    "api.idempotencykey.key": (
        KEEP,
        "klientens nyckel för ett anrop (ett id, aldrig personnummer)",
    ),
    "api.idempotencykey.body_digest": (KEEP, _TECH),
}


def purged_fields() -> set[str]:
    return {name for name, (decision, _reason) in DECISIONS.items() if decision == PURGE}
