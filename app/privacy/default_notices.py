"""Version 1 of the candidate and visitor notices, in English and Danish, drawn from the
privacy policy. Admins publish later versions from the console."""

# The purpose texts are what a candidate reads beneath each plain choice (app/privacy/purposes.py)
# and what a consent record hashes: plain words, no policy letters (issue 21.2).
_CANDIDATE_EN_PURPOSES = {
    "m": "HR may read my CV, cover letter and background for the position I apply for, to "
    "judge my abilities and experience.",
    "n": "HR may rate and comment on my application and move it through the interview "
    "stages, to judge whether I could be a good colleague.",
    "talent_pool": "You may keep my application for up to 24 months, instead of 6 months "
    "after the position closes, and contact me about other positions.",
    "marketing": "You may send me news about new products and services. I can say no at any "
    "time, from my page or from a link in every such mail.",
}
_CANDIDATE_DA_PURPOSES = {
    "m": "HR må læse mit CV, min ansøgning og min baggrund til den stilling, jeg søger, for "
    "at vurdere mine evner og min erfaring.",
    "n": "HR må bedømme og kommentere min ansøgning og føre den gennem samtalerunderne for at "
    "vurdere, om jeg kunne blive en god kollega.",
    "talent_pool": "I må gemme min ansøgning i op til 24 måneder i stedet for 6 måneder efter, "
    "at stillingen lukker, og kontakte mig om andre stillinger.",
    "marketing": "I må sende mig nyheder om nye produkter og tjenester. Jeg kan altid sige "
    "nej fra min side eller fra et link i hver af disse mails.",
}

_CANDIDATE_EN_BODY = """## How we treat your application

We are the data controller for your application. We use what you send us only to handle
your application, and only as far as you allow:

- **Let HR read your CV and background**: to judge your abilities and experience.
- **Let HR evaluate you in interviews**: ratings, comments and interview stages.

Both are based on your voluntary consent. You can give or withdraw each one at any time on
your page; withdrawal takes effect at once. Without either, HR cannot evaluate your
application; it waits for 30 days and is then erased.

Only a person decides on your application. Intake never scores, ranks or rejects anyone by
itself.

**Retention.** Your application is erased 6 months after the position closes or you are
rejected, or 24 months with "keep my application for future positions". Visits to our
pages are logged with a shortened IP address only.

**Your rights.** From your page you can get a copy of everything we hold, correct it, erase
it, restrict or object to its use, withdraw consent, and complain to us or to the Danish
Data Protection Agency (Datatilsynet). We answer requests within one month.

**Recipients.** Your data stays within the EU. Our hosting provider processes it on our
behalf; no data is transferred outside the EU.
"""

_CANDIDATE_DA_BODY = """## Sådan behandler vi din ansøgning

Vi er dataansvarlige for din ansøgning. Vi bruger det, du sender os, alene til at behandle
din ansøgning, og kun i det omfang du tillader:

- **Lad HR læse dit CV og din baggrund**: for at vurdere dine evner og din erfaring.
- **Lad HR vurdere dig i samtaler**: bedømmelser, kommentarer og samtalerunder.

Begge bygger på dit frivillige samtykke. Du kan give eller trække hvert af dem tilbage når
som helst på din side; tilbagetrækning virker med det samme. Uden nogen af dem kan HR ikke
vurdere din ansøgning; den venter i 30 dage og slettes derefter.

Kun et menneske træffer beslutning om din ansøgning. Intake giver aldrig point, rangerer
eller afviser nogen af sig selv.

**Opbevaring.** Din ansøgning slettes 6 måneder efter, at stillingen lukker, eller du får
afslag, eller efter 24 måneder med "gem min ansøgning til fremtidige stillinger".

**Dine rettigheder.** Fra din side kan du få en kopi af alt, vi har, rette det, slette det,
begrænse eller gøre indsigelse mod brugen, trække samtykke tilbage og klage til os eller til
Datatilsynet. Vi svarer på anmodninger inden for en måned.

**Modtagere.** Dine data bliver i EU. Vores hostingudbyder behandler dem på vores vegne;
ingen data overføres til lande uden for EU.
"""

_VISITOR_EN_SUMMARY = """To keep you and us safe, we register who is in the building.
We store your name, company, host and the time you arrive and leave. Your host gets an
e-mail that you have arrived. We erase the record 30 days after your visit."""

_VISITOR_DA_SUMMARY = """For din og vores sikkerhed registrerer vi, hvem der er i bygningen.
Vi gemmer dit navn, firma, vært og tidspunktet, du kommer og går. Din vært får en e-mail om,
at du er kommet. Vi sletter registreringen 30 dage efter dit besøg."""

_VISITOR_EN_BODY = """## Visitor registration

**Why.** For the safety of you and our staff (evacuation lists, access to the premises).
**What.** Your name, company (optional), host, purpose of the visit, time in and out, the
tablet used and the language you chose. No photo, no ID document.
**Who sees it.** Reception and the host you visit.
**How long.** 30 days after you sign out, then erased securely. Anonymous counts of visits
(per day and purpose, never about you) are kept for statistics.
**Your rights.** You can ask for a copy of your visit records or for their erasure, object,
or complain, at our visitor rights page (ask reception for the address) or by mail to our
privacy contact. You may also complain to the Danish Data Protection Agency (Datatilsynet).
"""

_VISITOR_DA_BODY = """## Registrering af besøgende

**Hvorfor.** For din og vores medarbejderes sikkerhed (evakueringslister, adgang).
**Hvad.** Dit navn, firma (valgfrit), vært, formål med besøget, tidspunkt for ankomst og
afgang, den tablet, du brugte, og det sprog, du valgte. Intet foto, intet ID.
**Hvem ser det.** Receptionen og den vært, du besøger.
**Hvor længe.** 30 dage efter, at du er gået, derefter slettes det sikkert. Anonyme tal for
besøg (pr. dag og formål, aldrig om dig) gemmes til statistik.
**Dine rettigheder.** Du kan bede om en kopi af dine besøgsdata eller om sletning, gøre
indsigelse eller klage på vores side for besøgendes rettigheder (spørg receptionen om
adressen) eller ved at skrive til vores privatlivsansvarlige. Du kan også klage til
Datatilsynet.
"""

NOTICES: dict[tuple[str, str], dict] = {
    ("candidate", "en"): {
        "title": "Privacy notice for job candidates",
        "summary": "We use your application only as far as you allow, and erase it when it "
        "is no longer needed.",
        "body": _CANDIDATE_EN_BODY,
        "purposes": _CANDIDATE_EN_PURPOSES,
    },
    ("candidate", "da"): {
        "title": "Privatlivserklæring for ansøgere",
        "summary": "Vi bruger kun din ansøgning i det omfang, du tillader, og sletter den, "
        "når den ikke længere er nødvendig.",
        "body": _CANDIDATE_DA_BODY,
        "purposes": _CANDIDATE_DA_PURPOSES,
    },
    ("visitor", "en"): {
        "title": "Privacy notice for visitors",
        "summary": _VISITOR_EN_SUMMARY,
        "body": _VISITOR_EN_BODY,
    },
    ("visitor", "da"): {
        "title": "Privatlivserklæring for besøgende",
        "summary": _VISITOR_DA_SUMMARY,
        "body": _VISITOR_DA_BODY,
    },
}
