"""The EFOP ontology's own terms as a closed rdflib namespace.

Code refers to ``EFOP.GovernanceBody`` rather than spelling the IRI, and because the namespace is
closed (``_fail = True``) a misspelt term raises ``AttributeError`` instead of silently minting a
new IRI. The list mirrors the classes, properties and datatypes declared in ``ontology/*.ttl``;
a test checks that both stay equal.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from efop.namespaces import ONTOLOGY_NS


class EFOP(DefinedNamespace):
    """Classes, properties and datatypes of the EFOP ontology (https://w3id.org/efop/ontology#)."""

    _fail = True
    _NS = Namespace(ONTOLOGY_NS)

    # Actors (ontology/actors.ttl)
    Actor: URIRef
    PublicActor: URIRef
    Network: URIRef
    actorKind: URIRef
    networkMember: URIRef
    numberOfMemberCompanies: URIRef
    numberOfSmallMemberCompanies: URIRef

    # Governance (ontology/governance.ttl)
    GovernanceBody: URIRef
    CREFOP: URIRef
    CDFOP: URIRef
    CLEFOP: URIRef
    EmploymentCommittee: URIRef
    CODEFI: URIRef
    SectorWorkingGroup: URIRef
    TransitionPlatform: URIRef
    BusinessClub: URIRef
    CiteDeLEmploi: URIRef
    SteeringCommittee: URIRef
    BodyUnit: URIRef
    Assessment: URIRef
    Recommendation: URIRef
    bodyKind: URIRef
    declinationOf: URIRef
    mergedInto: URIRef
    hasRoadmap: URIRef
    hasAssessment: URIRef
    concernsBody: URIRef
    recommendationKind: URIRef
    objective: URIRef
    meetingFrequency: URIRef
    whatWorks: URIRef
    whatDoesNotWork: URIRef
    numberOfLocalCommittees: URIRef

    # Territories (ontology/territories.ttl)
    Territory: URIRef
    territorialScale: URIRef
    actsOn: URIRef
    withinTerritory: URIRef
    overlapsTerritory: URIRef
    numberOfInhabitants: URIRef

    # Schemes and funding (ontology/schemes.ttl)
    Scheme: URIRef
    FundingSource: URIRef
    CallForProjects: URIRef
    schemeKind: URIRef
    partOfToolbox: URIRef
    operatedBy: URIRef
    fundedBy: URIRef
    launchedBy: URIRef
    targetPublic: URIRef
    theme: URIRef
    sector: URIRef
    numberOfApplications: URIRef
    numberOfSupportedApproaches: URIRef

    # Strategies (ontology/strategies.ttl)
    PolicyDocument: URIRef
    Strategy: URIRef
    Roadmap: URIRef
    Priority: URIRef
    hasPriority: URIRef
    subPriorityOf: URIRef
    servedBy: URIRef
    implementsStrategy: URIRef
    adoptedBy: URIRef
    adoptedAt: URIRef
    validatedAt: URIRef
    draftedBy: URIRef
    addressedTo: URIRef
    inForceFrom: URIRef
    adoptionDate: URIRef

    # Projects and events (ontology/activities.ttl)
    Project: URIRef
    Event: URIRef
    Meeting: URIRef
    carriedBy: URIRef
    partner: URIRef
    implementsScheme: URIRef
    supportsScheme: URIRef
    setsUpBody: URIRef
    respondsToCall: URIRef
    meetingOf: URIRef
    eventKind: URIRef
    organisedBy: URIRef
    participant: URIRef
    startDate: URIRef
    endDate: URIRef
    numberOfPilotTerritories: URIRef
    numberOfParticipants: URIRef
    numberOfCompaniesMobilised: URIRef
    numberOfRegions: URIRef

    # Needs and resources (ontology/needs.ttl)
    Statement: URIRef
    Need: URIRef
    ResourceOffer: URIRef
    Challenge: URIRef
    statedBy: URIRef
    statedAt: URIRef

    # Provenance (ontology/provenance.ttl)
    SourceDocument: URIRef
    documentKind: URIRef
    approximate: URIRef

    # Datatype of data·inclusion structure typology codes (ontology/efop.ttl)
    dataInclusionTypology: URIRef
