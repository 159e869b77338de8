"""The default codebook (1.2 to 1.5): the general patterns for handing over power and the false alarms it vetoes.

Every sentence here was written for these tests (none comes from a gold set).
"""

from __future__ import annotations

from typing import Any

import pytest

from policytext.rhetoric import build_pipeline
from policytext.tagging import tag_text


@pytest.fixture(scope="module")
def nlp() -> Any:
    return build_pipeline()


def frames_of(nlp: Any, text: str) -> set[str]:
    matches, _, _ = tag_text(nlp, text)
    return {m.frame for m in matches}


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        # recipients in lists
        ("We are giving local communities and the police the powers they need.", "empowerment"),
        ("We will give councils, schools and hospitals the freedom to innovate.", "devolution"),
        # powers named by what they let people do
        ("Tenants will have the right to manage their own estates.", "empowerment"),
        # services run by communities, people in the driving seat, taking part in decisions
        ("A community-run library opened last week.", "empowerment"),
        ("Patients must be in the driving seat of their care.", "empowerment"),
        ("Pupils should participate in decision making at school.", "empowerment"),
        ("Too many nurses have felt disempowered by targets.", "devolution"),
        # verbs of transfer, powers of the nations, professionals given control
        ("We will transfer transport powers to the city regions.", "devolution"),
        ("The Assembly needs full law-making powers.", "devolution"),
        ("Head teachers will be given more freedom over the curriculum.", "devolution"),
        ("We will free every hospital from Whitehall interference.", "devolution"),
        ("A self-governing Wales is our aim.", "devolution"),
        # duties to others, collaboration with named partners
        ("We all have obligations to each other.", "responsibility"),
        ("Government, business and charities must work together on this.", "collaboration"),
    ],
)
def test_general_patterns_find_the_frame(nlp: Any, text: str, frame: str) -> None:
    assert frame in frames_of(nlp, text)


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("We will empower the Bank of England to set interest rates.", "empowerment"),
        ("China and India are the new regional power centres of the world.", "devolution"),
        ("The Greens want the localisation of the economy and of food production.", "devolution"),
        ("Two million pensioners live in poverty.", "targeting"),
        ("This is the poverty line used by statisticians.", "targeting"),
        ("It is the responsibility of government to fund schools.", "responsibility"),
        ("Let us all work together to win.", "collaboration"),
        ("An open Europe accountable to the people.", "empowerment"),
    ],
)
def test_false_alarms_are_vetoed(nlp: Any, text: str, frame: str) -> None:
    assert frame not in frames_of(nlp, text)


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("We will give extra powers and responsibilities to councils.", "devolution"),
        ("Too many decisions are taken in Whitehall.", "devolution"),
        ("We need a fair distribution of power between the tiers of government.", "devolution"),
        ("We will introduce elected police and crime commissioners.", "devolution"),
        ("Our schools will compete for pupils.", "market_reform"),
        ("We will tackle poverty in every town.", "targeting"),
        ("We will democratise our public services.", "empowerment"),
        ("Whitehall must relinquish control.", "devolution"),
        ("Westminster should loosen its grip.", "devolution"),
        ("We will hand new powers to the Greater Manchester Combined Authority.", "devolution"),
        ("Decisions should be made closer to citizens.", "devolution"),
        # 'local' before people is empowerment; before a tier of government, devolution
        ("We will empower local people.", "empowerment"),
        ("We will empower local government.", "devolution"),
    ],
)
def test_version_1_3_finds_the_frame(nlp: Any, text: str, frame: str) -> None:
    assert frame in frames_of(nlp, text)


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        # commissioners addressed or listed as actors are not a transfer of power
        # police given powers, or the state taking control, is the state using power
        ("The police will be given new powers to stop and search.", "devolution"),
        ("We will give the police and councils the powers they need.", "devolution"),
        ("The state will take control of the railways.", "devolution"),
        ("The council is under political control of Labour.", "devolution"),
        ("This is an important duty that should empower local residents.", "devolution"),
        ("The Bank of England was empowered to set interest rates.", "empowerment"),
        ("The government will give up control of the Bank.", "devolution"),
        ("The state gives power to the regulator.", "devolution"),
        ("Banks and building societies must lend to small firms.", "civil_society"),
        # democratising a foreign country is not control moving to people here
        ("We support the democratisation of Eastern Europe.", "empowerment"),
        ("I wrote to chief constables and police and crime commissioners.", "devolution"),
        # contests are not competition between providers
        ("Inter-school competitions in football are held every spring.", "market_reform"),
        ("Many schools run enterprise competitions for young people.", "market_reform"),
        # sound management by government, or an office's remit, is not a duty of citizens
        ("We will give extra powers and responsibilities to councils.", "responsibility"),
        ("We have taken a prudent and responsible approach to the public finances.", "responsibility"),
        ("It is not responsible government to borrow without limit.", "responsibility"),
        # poverty abroad or as a cause, described rather than acted on
        ("Global warming and global poverty are rising.", "targeting"),
        ("Unemployment is the main cause of poverty.", "targeting"),
        ("The world has millions of people in poverty.", "targeting"),
    ],
)
def test_version_1_3_vetoes_false_alarms(nlp: Any, text: str, frame: str) -> None:
    assert frame not in frames_of(nlp, text)


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        # central control criticised without naming a destination
        ("Hospitals are drowning in centrally set targets.", "devolution"),
        ("Schools cannot be micro-managed from London any longer.", "devolution"),
        # local government strengthened, tiers with powers, the central-local balance
        ("Our aim is to revive local democracy in every town.", "devolution"),
        ("We want a Welsh Senedd with proper tax powers.", "devolution"),
        ("Regional government would receive real responsibility for transport.", "devolution"),
        ("The independence of local councils was eroded for twenty years.", "devolution"),
        ("We will reset the balance of power between central and local government.", "devolution"),
        ("Budgets will be in the hands of front-line staff.", "devolution"),
        ("We will transfer power from Westminster to the localities.", "devolution"),
        # people given power, calling the shots, a say, control over their own lives
        ("Tenants will be given a statutory right to buy their freehold.", "empowerment"),
        ("We want parents to call the shots in their children's schools.", "empowerment"),
        ("Residents should have a real say over what gets built.", "empowerment"),
        ("Patients want control over their own budgets and routines.", "empowerment"),
        ("We trust communities to decide what their parks are for.", "empowerment"),
        ("Those decisions should be taken by local residents.", "empowerment"),
        ("We will devolve power and decision-making to citizens.", "empowerment"),
        # second pass (round c): local decisions, power stripped, orders from the centre
        ("We will put neighbourhoods in charge of their high streets.", "devolution"),
        ("Councils must stop taking orders from central government.", "devolution"),
        ("We want decisions about schools to be taken locally.", "devolution"),
        ("For decades power has been stripped from local communities.", "devolution"),
        ("For decades power has been stripped from local communities.", "empowerment"),
        ("Local people know best what their streets need.", "empowerment"),
        ("We will hand decision-making on planning to local residents.", "empowerment"),
        ("The present Assembly powers are too weak.", "devolution"),
        ("With the new app, citizens will be in control.", "empowerment"),
        ("Local residents should decide how the budget is spent.", "empowerment"),
    ],
)
def test_version_1_4_finds_the_frame(nlp: Any, text: str, frame: str) -> None:
    assert frame in frames_of(nlp, text)


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        # the state using power, sovereignty, other tiers abroad
        ("Oil would be run as a nationally directed industry.", "devolution"),
        ("Fines imposed by the courts will go to victims.", "devolution"),
        ("We will take back control of our own fishing waters.", "empowerment"),
        ("Scotland deserves a greater voice in Europe.", "empowerment"),
        ("Income taken by the public sector must fall.", "empowerment"),
        ("Whom do you trust to take responsibility for defence?", "devolution"),
        # partnership between countries and research teams, charity law, nations left behind
        ("Our two countries will work together on vaccines.", "collaboration"),
        ("The project needs the collaboration of physicists and engineers.", "collaboration"),
        ("Trustees must act in the interests of their charity.", "civil_society"),
        ("Without investment Britain will be left behind.", "targeting"),
        ("We cannot contract out of our duty to defend ourselves.", "market_reform"),
        ("Households received vouchers for loft insulation.", "market_reform"),
        ("Ministers will empower the regulator to fine firms.", "empowerment"),
        ("The European Parliament should have more power over the budget.", "devolution"),
        ("Our party took control of the county council last May.", "empowerment"),
        ("The devolved government will get power and responsibility for welfare.", "responsibility"),
    ],
)
def test_version_1_4_vetoes_false_alarms(nlp: Any, text: str, frame: str) -> None:
    assert frame not in frames_of(nlp, text)


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        # version 1.5: power pushed outwards, the man in Whitehall, institutions freed, budgets held locally
        ("Our plan is to push power down to every street.", "devolution"),
        ("Ministers keep pushing decisions back towards the town hall.", "devolution"),
        ("The gentleman in Whitehall does not run your hospital.", "devolution"),
        ("Councils will be freed from ring-fencing and inspection.", "devolution"),
        ("Family doctors should hold their own budgets for care.", "devolution"),
        ("Spending on books will be in the hands of head teachers.", "devolution"),
        ("Local residents will get the final say on new wind turbines.", "devolution"),
        # second pass: powers near a nearer tier, councils allowed to act, local accountability
        ("We want a Welsh Assembly with proper law-making powers.", "devolution"),
        ("We will allow councils to set their own parking charges.", "devolution"),
        ("Health boards should be accountable to local people.", "devolution"),
        ("We will bring those powers back from Whitehall.", "devolution"),
        ("Councils will have more flexibilities and freedoms for housing.", "devolution"),
        # people given more say, power dispersed, workers' control
        ("Tenants will have a greater say in how estates are managed.", "empowerment"),
        ("Our aim is to spread power more widely across the country.", "empowerment"),
        ("The mines should be run under workers' control.", "empowerment"),
        # third pass (round g): imposed on communities or from Whitehall, ring-fencing lifted,
        # power over services to their users, political power dispersed
        ("New estates are being imposed on local communities.", "devolution"),
        ("Targets imposed from Whitehall help nobody.", "devolution"),
        ("We have removed most of the ring-fencing on school grants.", "devolution"),
        ("We will give power over local services to the people who use them.", "empowerment"),
        ("We must disperse political power across the country.", "empowerment"),
        # inequality named as the problem
        ("Widening inequality harms every town in the country.", "targeting"),
        ("The inequities in school funding must be corrected.", "targeting"),
    ],
)
def test_version_1_5_finds_the_frame(nlp: Any, text: str, frame: str) -> None:
    assert frame in frames_of(nlp, text)


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        # an office's or a country's burden, family commitments, and who a task falls to
        ("Our nation carries a historic responsibility for peace in the region.", "responsibility"),
        ("Good luck to the new chair with her daunting responsibilities.", "responsibility"),
        ("Flexible hours help staff with caring responsibilities.", "responsibility"),
        ("That responsibility now falls to the new regulator.", "responsibility"),
        # a duty imposed by law, jobs offshored, choices for lone parents, countries' duties
        ("The law will impose a new duty on local councils to house families.", "devolution"),
        ("Millions of factory jobs could be outsourced within a decade.", "market_reform"),
        ("There are new choices for lone parents who want to train.", "market_reform"),
        ("Rich countries have a responsibility to cancel the debt.", "responsibility"),
        # a remit for a task
        ("The new agency has responsibility for reviewing the accounts.", "responsibility"),
        # firms' market power and jobs moved abroad
        ("The regulator will curb the market power of the big banks.", "market_reform"),
        ("Thousands of call-centre jobs were outsourced to India.", "market_reform"),
    ],
)
def test_version_1_5_vetoes_false_alarms(nlp: Any, text: str, frame: str) -> None:
    assert frame not in frames_of(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "Parents have a responsibility to get their children to school.",
        "Rights come with responsibilities for every citizen.",
        "Patients should take more responsibility for staying healthy.",
        "Every adult must take responsibility for their own pension.",
    ],
)
def test_version_1_5_keeps_civic_responsibility(nlp: Any, text: str) -> None:
    assert "responsibility" in frames_of(nlp, text)


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        # 1.5's own patterns no longer vetoed by its exclusions
        ("What this country needs is a redistribution of power.", "empowerment"),
        ("Our task is dispersing economic power to families and firms.", "empowerment"),
        ("Northern Ireland deserves a return to devolved government.", "devolution"),
        # fourth pass (rounds a-g): voice, money, control, transfers, partners
        ("Victims of crime deserve a louder voice.", "empowerment"),
        ("Savers should be free to spend their money as they choose.", "empowerment"),
        ("People want more control over their own lives.", "empowerment"),
        ("The bill will allow those powers to be transferred to the Assembly.", "devolution"),
        ("Local residents are best placed to decide what their town needs.", "devolution"),
        ("The scheme will be run working closely with local charities.", "collaboration"),
        ("Homelessness cannot be solved by government alone.", "collaboration"),
        # fifth pass (round h): Whitehall looked up to, professionals, commissioning, targeting
        ("Schools should stop waiting for Whitehall to fix every problem.", "devolution"),
        ("We will restore professional autonomy to the NHS.", "devolution"),
        ("Commissioning by GPs will be extended across the county.", "devolution"),
        ("Aid will go to the least developed countries first.", "targeting"),
        ("The tax credit helps families on low incomes.", "targeting"),
    ],
)
def test_version_1_6_finds_the_frame(nlp: Any, text: str, frame: str) -> None:
    assert frame in frames_of(nlp, text)


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("The Department for Communities and Local Government have said they will reply.", "devolution"),
        ("We will govern from the centre ground.", "devolution"),
        ("Operational decisions were devolved to the NATO commander.", "devolution"),
        ("Scotland deserves a bigger voice in Brussels.", "empowerment"),
        ("The minister wants a stronger voice for businesses in the talks.", "empowerment"),
        ("Member states have a shared responsibility to secure the borders.", "responsibility"),
        ("China's economic power spread quickly across Africa.", "devolution"),
    ],
)
def test_version_1_6_vetoes_false_alarms(nlp: Any, text: str, frame: str) -> None:
    assert frame not in frames_of(nlp, text)
