using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Editions;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Harness.Tests;

public sealed class TargetLoaderTests
{
    internal static readonly string Fixtures = Path.Combine(FindRoot(), "fixtures", "targets");

    [Fact]
    public void Load_ReferenceExample_ReadsClientsAccountsAndKeys()
    {
        var target = TargetLoader.Load(Path.Combine(Fixtures, "reference.json"), _ => null);

        var server = target.AuthorizationServer;
        Assert.Equal(new Uri("http://127.0.0.1:5099/"), server.Issuer);
        Assert.Equal("agent-confidential", server.Agent.ClientId);
        Assert.True(server.Agent.Key!.HasPrivateKey);
        Assert.Equal("alice-approves", server.Approver.Password);  // ${env:…:-default} with the variable unset
        Assert.NotNull(target.Scope);
        Assert.Equal("browser", server.Consent.Driver);
        Assert.Equal(ConsentScript.Reference, server.Consent.Script, ScriptComparer.Instance);
        Assert.Equal(ConsentSettings.ReferenceStepUpAcr, server.Consent.StepUpAcr);
        Assert.Equal("482916", server.Approver.SecondFactor);
        Assert.Equal(new ApproverAccount("carol", "carol-assists", "264810", OnBehalfOf: "user-alice") { Subject = "user-carol", MissionSubject = "user-alice" }, server.ConsentAccount(server.Delegate!));
        Assert.Equal(["finance", "docs", "workflow"], target.ResourceServers.Select(r => r.Id));
        Assert.Equal(["rs-finance", "rs-docs", "rs-workflow", "ras-workflow"], server.StatusClients.Select(c => c.ClientId));
        Assert.Equal(["https://as.workflow.board-packet.example/", "https://as.docs.board-packet.example/"], server.ResourceAuthorizationServers.Select(r => r.Issuer.AbsoluteUri));
        Assert.Equal(["https://workflow.board-packet.example/mcp"], server.ResourceAuthorizationServers[0].Resources);
        Assert.All(server.StatusClients, c => Assert.True(c.Key!.HasPrivateKey && c.Audience is not null));
        Assert.Equal(new Peers.PeerSettings(5201, 5202, EventReceiverPort: 5204), target.Peers);
        var ras = Assert.Single(target.ResourceAses);
        Assert.Equal(("workflow-ras", new Uri("http://127.0.0.1:5203/"), "agent-at-resource-as", "agent-at-resource-as-secret"), (ras.Id, ras.Issuer, ras.ClientId, ras.Secret));
        Assert.Equal("mission_resource_access", (string?)ras.Entry["type"]);
        Assert.Equal(new ResourceAsIntrospection("rs-at-resource-as", "rs-at-resource-as-secret"), ras.Introspection);
        Assert.True(ras.ProjectionIssuer);
        Assert.True(target.NeedsPeers);
        Assert.Equal(3, target.EffectiveScope!.ResourceServers.Count(r => r.InScope && r.Consequential));
    }

    /// <summary>The example file spells out the reference's default script: the two must not drift apart.</summary>
    private sealed class ScriptComparer : IEqualityComparer<ConsentScript>
    {
        public static readonly ScriptComparer Instance = new();

        public bool Equals(ConsentScript? x, ConsentScript? y)
            => x!.Pages.Count == y!.Pages.Count && x.Pages.Zip(y.Pages).All(p => p.First with { Steps = [] } == p.Second with { Steps = [] } && p.First.Steps.SequenceEqual(p.Second.Steps));

        public int GetHashCode(ConsentScript obj) => obj.Pages.Count;
    }

    [Fact]
    public void Load_SecretFromEnvironment_IsResolved()
    {
        var target = TargetLoader.Load(Path.Combine(Fixtures, "reference.json"), name => name == "MISSION_REFERENCE_ALICE_PASSWORD" ? "from-env" : null);

        Assert.Equal("from-env", target.AuthorizationServer.Approver.Password);
    }

    [Fact]
    public void Parse_Edition_ChoosesTheVocabulary_AndAnIetfIntentIsGivenInItsShape()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference.json")))!;
        Assert.Same(Edition.Seed, TargetLoader.Parse(root.ToJsonString(), "t.json", Fixtures, _ => null).Edition);

        root["edition"] = "ietf-2026-08";
        var intent = root["authorizationServers"]![0]!["intent"]!.AsObject();
        intent["resources"] = intent["objects"]!.DeepClone();
        intent.Remove("objects");
        var target = TargetLoader.Parse(root.ToJsonString(), "t.json", Fixtures, _ => null);

        Assert.Same(Edition.Ietf202608, target.Edition);
        Assert.Equal(3, target.Edition.Resources(target.AuthorizationServer.Intent).Count);
    }

    [Fact]
    public void Parse_ClientParameters_AnApproverForAnotherSubject_AndADecisionSentAsJson()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference.json")))!;
        var server = root["authorizationServers"]![0]!;
        server["clients"]![0]!["parameters"] = JsonNode.Parse("""{"par":{"scope":"payments","resource":["https://a.example/","https://b.example/"]},"token":{"resource":"https://a.example/"}}""");
        server["accounts"]![0]!["approvesFor"] = "alice";
        server["consent"]!["pages"]![3]!["submit"] = JsonNode.Parse("""{"as":"json","add":{"approver":"${username}","subject":"${missionSubject}"}}""");

        var target = TargetLoader.Parse(root.ToJsonString(), "t.json", Fixtures, _ => null).AuthorizationServer;

        Assert.Equal(["scope=payments", "resource=https://a.example/", "resource=https://b.example/"], target.Agent.ParParameters.Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal(["resource=https://a.example/"], target.Agent.TokenParameters.Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal("alice", target.Approver.MissionSubject);
        var submit = target.Consent.Script.Pages[3].Submit!;
        Assert.True(submit.AsJson);
        Assert.Equal("alice", ConsentScript.Substitute(submit.Add["subject"], target.ConsentAccount(target.Approver)));
    }

    [Fact]
    public void AnEdition_WritesTheIntentInItsOwnVocabulary()
    {
        var intent = new JsonObject { ["goal"] = "g", ["resources"] = new JsonArray("https://a.example/", "https://b.example/") };
        var at = new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);

        var ietf = Edition.Ietf202608.WithMaxDerivations(Edition.Ietf202608.WithExpiry(intent, at), 5);
        var seed = Edition.Seed.WithMaxDerivations(Edition.Seed.WithExpiry(new JsonObject { ["goal"] = "g" }, at), 5);

        Assert.Equal("2026-12-08T10:00:00Z", (string?)ietf["expires_at"]);
        Assert.Equal(5, (int)ietf["controls"]!["max_derivations"]!);
        Assert.Equal("5", (string?)seed["context"]!["max_derivations"]);
        Assert.Equal(at, Edition.Seed.Expiry(seed));
        Assert.Equal("intent", JsonNode.Parse(Edition.Ietf202608.Submission(ietf))!.AsObject().Single().Key);  // the Submission envelope
        Assert.Equal(seed.ToJsonString(), Edition.Seed.Submission(seed));
        Assert.Equal(["https://a.example/"], Edition.Ietf202608.Resources(Edition.Ietf202608.WithResources(intent, ["https://a.example/"])));
    }

    [Fact]
    public void Parse_LifecycleClient_NamesWhoOperatesMissions_AndAnAbsentRoleIsAnErrorNamingTheField()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference.json")))!;
        Assert.Equal("agent-confidential", TargetLoader.Parse(root.ToJsonString(), "t.json", Fixtures, _ => null).AuthorizationServer.LifecycleOperator.ClientId);

        root["authorizationServers"]![0]!["lifecycleClient"] = "admin";
        Assert.Equal("mission-admin", TargetLoader.Parse(root.ToJsonString(), "t.json", Fixtures, _ => null).AuthorizationServer.LifecycleOperator.ClientId);

        var clients = root["authorizationServers"]![0]!["clients"]!.AsArray();
        clients.Remove(clients.Single(c => (string?)c!["role"] == "admin"));
        var error = Assert.Throws<TargetFileException>(() => TargetLoader.Parse(root.ToJsonString(), "t.json", Fixtures, _ => null));
        Assert.Contains("authorizationServers[0].lifecycleClient: \"admin\" names no client of clients[]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LifecycleEvents_DeclareWhereTheAsPushes_AndTheHarnessListensThere()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference.json")))!;
        root["authorizationServers"]![0]!["lifecycleEvents"] = new JsonObject { ["receiverPort"] = 5290, ["audience"] = "https://finance.board-packet.example/mcp" };

        var target = TargetLoader.Parse(root.ToJsonString(), "events.json", Fixtures, _ => null);

        Assert.Equal(new LifecycleEventsTarget(5290, "https://finance.board-packet.example/mcp"), target.AuthorizationServer.LifecycleEvents);
        Assert.Equal(5290, target.Peers.EventReceiverPort);
        Assert.True(target.NeedsPeers);
        // The file a user runs against `serve --events http://127.0.0.1:5204/events` declares the port serve pushes to.
        Assert.Equal(5204, TargetLoader.Load(Path.Combine(Fixtures, "reference.json"), _ => null).Peers.EventReceiverPort);
    }

    [Fact]
    public void Parse_ProjectionIssuers_DeclareTheMasTopology_WithSecretsFromTheEnvironment()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference.json")))!;
        root["authorizationServers"]![0]!["projectionIssuers"] = new JsonArray(ProjectionIssuer("workflow-pi", "https://pi.example/", "${env:PI_SECRET}"));

        var server = TargetLoader.Parse(root.ToJsonString(), "mas.json", Fixtures, name => name == "PI_SECRET" ? "from-env" : null).AuthorizationServer;

        Assert.Equal([new ProjectionIssuerTarget("workflow-pi", new Uri("https://pi.example/"), "agent-at-pi", "from-env")], server.ProjectionIssuers);
        // The file a user runs against `serve --projection-issuers …` names the two issuers serve starts, in its order.
        Assert.Equal(["workflow-pi http://127.0.0.1:5211/", "docs-pi http://127.0.0.1:5212/"],
            TargetLoader.Load(Path.Combine(Fixtures, "reference.json"), _ => null).AuthorizationServer.ProjectionIssuers.Select(p => $"{p.Id} {p.Issuer}"));
    }

    [Fact]
    public void Parse_TlsTrustFile_TrustsEachCertificateOfThePem_BesideTheSystemRoots()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var first = Harness.OAuth.MutualTls.SelfSigned(key, "first");
        using var second = Harness.OAuth.MutualTls.SelfSigned(key, "second");
        var pem = Path.Combine(Path.GetTempPath(), $"trust-{Guid.NewGuid():N}.pem");
        File.WriteAllText(pem, first.ExportCertificatePem() + "\n" + second.ExportCertificatePem());
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference.json")))!;
            root["authorizationServers"]![0]!["tlsTrustFile"] = pem;

            var server = TargetLoader.Parse(root.ToJsonString(), "trust.json", Fixtures, _ => null).AuthorizationServer;

            Assert.Equal([first.Thumbprint, second.Thumbprint], server.TlsTrust.Select(c => c.Thumbprint));
            root["authorizationServers"]![0]!.AsObject().Remove("tlsTrustFile");
            Assert.Empty(TargetLoader.Parse(root.ToJsonString(), "trust.json", Fixtures, _ => null).AuthorizationServer.TlsTrust);
            // The reference's own: the certificate of its mtls alias, relative to the target file.
            Assert.Equal("CN=127.0.0.1", Assert.Single(TargetLoader.Load(Path.Combine(Fixtures, "reference.json"), _ => null).AuthorizationServer.TlsTrust).Subject);
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Fact]
    public void Parse_CertificateFile_GivesAStatusClientItsTlsClientCertificate_AndOnlyAStatusClient()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var certificate = Harness.OAuth.MutualTls.SelfSigned(key, "rs-finance");
        var withKey = Path.Combine(Path.GetTempPath(), $"client-{Guid.NewGuid():N}.pem");
        var withoutKey = Path.Combine(Path.GetTempPath(), $"client-{Guid.NewGuid():N}.pem");
        File.WriteAllText(withKey, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(withoutKey, certificate.ExportCertificatePem());
        try
        {
            string With(int client, string file)
            {
                var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference.json")))!;
                root["authorizationServers"]![0]!["clients"]![client]!["certificateFile"] = file;
                return root.ToJsonString();
            }

            var status = TargetLoader.Parse(With(4, withKey), "mtls.json", Fixtures, _ => null).AuthorizationServer.Clients[4];
            var noKey = Assert.Throws<TargetFileException>(() => TargetLoader.Parse(With(4, withoutKey), "mtls.json", Fixtures, _ => null));
            var notStatus = Assert.Throws<TargetFileException>(() => TargetLoader.Parse(With(0, withKey), "mtls.json", Fixtures, _ => null));

            Assert.Equal("status", status.Role);
            Assert.Equal(certificate.Thumbprint, status.Certificate!.Thumbprint);
            Assert.True(status.Certificate.HasPrivateKey);
            Assert.Contains(noKey.Errors, e => e.StartsWith("authorizationServers[0].clients[4].certificateFile: cannot read a certificate and its private key", StringComparison.Ordinal));
            Assert.Contains(notStatus.Errors, e => e.StartsWith("authorizationServers[0].clients[0].certificateFile: only a status client", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(withKey);
            File.Delete(withoutKey);
        }
    }

    [Theory]
    [InlineData("UnknownAuthMethod", "authorizationServers[0].clients[1].auth: unknown value \"basic\"")]
    [InlineData("MissingIssuer", "authorizationServers[0].issuer: required member \"issuer\" is missing")]
    [InlineData("UnknownMember", "authorizationServers[0].colour: unknown member \"colour\"")]
    [InlineData("MissingEnvironment", "authorizationServers[0].clients[0].secret: environment variable NOT_SET_ANYWHERE is not set")]
    [InlineData("MissingKeyFile", "authorizationServers[0].clients[0].keyFile: cannot read a JWK from")]
    [InlineData("NoAgent", "authorizationServers[0].clients: one client needs role \"agent\"")]
    [InlineData("NotJson", "not valid JSON")]
    [InlineData("NoConsentPage", "authorizationServers[0].consent.pages: exactly one page needs kind \"consent\" (0 have it)")]
    [InlineData("ConsentPageWithoutDeny", "authorizationServers[0].consent.pages[3]: a consent page needs \"approve\" and \"deny\"")]
    [InlineData("StepWithTwoActions", "authorizationServers[0].consent.pages[0].steps[2]")]
    [InlineData("UnknownPageKind", "authorizationServers[0].consent.pages[1].kind: unknown value \"captcha\"")]
    [InlineData("DelegateForNobody", "authorizationServers[0].accounts[2].onBehalfOf: \"dave\" is not the username of another account in this file")]
    [InlineData("DelegateWithoutOnBehalfOf", "authorizationServers[0].accounts[2]: role \"delegate\" and onBehalfOf go together")]
    [InlineData("SelectWithoutValue", "authorizationServers[0].consent.pages[2].steps[0]")]
    [InlineData("NoServers", "authorizationServers, resourceServers, resourceAuthorizationServers, pdps: name at least one server to test")]
    [InlineData("PdpAllowedOutsideItsEntry", "pdps[0].probes.allowed.action: \"delete_doc\" is not one of entry.actions")]
    [InlineData("PdpOutOfSetActionInItsEntry", "pdps[0].probes.outOfSetAction: \"create_doc\" is one of entry.actions")]
    [InlineData("DuplicatePdp", "pdps: id \"reference-pdp\" names 2 PDPs")]
    [InlineData("PdpIdOfAResourceServer", "pdps[0].id: \"docs\" also names another server of this file")]
    [InlineData("PdpEvidenceTokenUnset", "pdps[0].evidence.token: environment variable NOT_SET_ANYWHERE is not set")]
    [InlineData("PdpUnknownAuthentication", "pdps[0].authentication")]
    [InlineData("PlainHttpIssuerOffLoopback", "authorizationServers[0].issuer: plain http:// to as.example.net, which is not loopback; use https")]
    [InlineData("PlainHttpStatusOffLoopback", "authorizationServers[0].missionStatus.url: plain http:// to status.example.net")]
    [InlineData("PlainHttpEvidenceOffLoopback", "pdps[0].evidence.export: plain http:// to 10.0.0.7")]
    [InlineData("PlainHttpResourceServerOffLoopback", "resourceServers[1].resource: plain http:// to docs.example.net")]
    [InlineData("DuplicateResourceAs", "resourceAuthorizationServers: id \"workflow-ras\" names 2 servers")]
    [InlineData("ResourceAsUnderTestIsTheAs", "resourceAuthorizationServers[0].issuer: http://127.0.0.1:5099/ is also an authorizationServers[] issuer")]
    [InlineData("ResourceAsSecretUnset", "resourceAuthorizationServers[0].secret: environment variable NOT_SET_ANYWHERE is not set")]
    [InlineData("ResourceAsWithoutEntry", "resourceAuthorizationServers[0]")]
    [InlineData("ResourceAsIdOfAResourceServer", "resourceAuthorizationServers[0].id: \"workflow\" is also a resourceServers[] id")]
    [InlineData("ForbiddenProbeIsAllowed", "resourceServers[0].probes.forbiddenAction.tool: \"query_financials\" is one of entry.actions")]
    [InlineData("DuplicateResourceServer", "resourceServers: id \"finance\" names 2 servers")]
    [InlineData("BindingForAnUnlistedAction", "resourceServers[1].parameterBinding.actions: \"delete_doc\" is not one of entry.actions")]
    [InlineData("EvidenceTokenUnset", "resourceServers[0].evidence.token: environment variable NOT_SET_ANYWHERE is not set")]
    [InlineData("EvidenceWithoutToken", "resourceServers[0].evidence.token")]
    [InlineData("StatusWithoutAudience", "authorizationServers[0].clients[4].audience: a status client needs the audience")]
    [InlineData("PublicStatusClient", "authorizationServers[0].clients[4].auth: a status client authenticates with private_key_jwt (Mission Status and introspection) or client_secret_basic")]
    [InlineData("TwoStatusClientsOneAudience", "authorizationServers[0].clients: 2 status clients ask for audience \"https://finance.board-packet.example/mcp\"")]
    [InlineData("PublicDelegate", "authorizationServers[0].clients[8].auth: a delegate is identified by its own client authentication")]
    [InlineData("TwoDelegates", "authorizationServers[0].clients: role \"delegate\" is given to 2 clients")]
    [InlineData("ResourceAsIsTheAs", "authorizationServers[0].resourceAuthorizationServers[2].issuer: a Resource AS is another trust domain's")]
    [InlineData("ResourceWithTwoAuthorities", "authorizationServers[0].resourceAuthorizationServers[2].resources: https://workflow.board-packet.example/mcp is already another Resource AS's")]
    [InlineData("ResourceAsWithoutResources", "authorizationServers[0].resourceAuthorizationServers[0].resources")]
    [InlineData("ProjectionIssuerIsTheMas", "authorizationServers[0].projectionIssuers[0].issuer: a projection issuer is another authorization server than the MAS")]
    [InlineData("ProjectionIssuerSecretUnset", "authorizationServers[0].projectionIssuers[0].secret: environment variable NOT_SET_ANYWHERE is not set")]
    [InlineData("TwoProjectionIssuersOneId", "authorizationServers[0].projectionIssuers[1].id: \"workflow-pi\" names two projection issuers")]
    [InlineData("ProjectionIssuerIdOfAResourceAs", "authorizationServers[0].projectionIssuers: id \"workflow-ras\" also names another server of this file")]
    [InlineData("ProjectionIssuerWithoutClient", "authorizationServers[0].projectionIssuers[0]")]
    [InlineData("EventReceiverOnPortZero", "authorizationServers[0].lifecycleEvents.receiverPort")]
    [InlineData("TrustFileMissing", "authorizationServers[0].tlsTrustFile: cannot read PEM certificates from")]
    [InlineData("TrustFileWithoutCertificate", "holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    [InlineData("UnknownEdition", "edition: unknown value \"ietf-2025-01\"; allowed: \"seed-2026-06\", \"ietf-2026-08\"")]
    [InlineData("SeedIntentWithoutObjects", "authorizationServers[0].intent.objects: required by edition seed-2026-06")]
    [InlineData("IetfIntentInTheSeedShape", "authorizationServers[0].intent.resources: required by edition ietf-2026-08")]
    [InlineData("LifecycleJsonWithoutCredential", "authorizationServers[0].lifecycle.body: a JSON body cannot carry a client assertion")]
    [InlineData("LifecycleRelativeUrl", "authorizationServers[0].lifecycle.url: \"/missions/{mission}/lifecycle\" is not an absolute http(s) URL")]
    [InlineData("LifecycleBearerAndHeader", "authorizationServers[0].lifecycle.authentication")]
    [InlineData("LifecycleTokenUnset", "authorizationServers[0].lifecycle.authentication.value: environment variable NOT_SET_ANYWHERE is not set")]
    [InlineData("StatusQueryWithoutCredential", "authorizationServers[0].missionStatus.body: a query cannot carry a client assertion")]
    [InlineData("LifecycleByQuery", "authorizationServers[0].lifecycle.body")]
    public void Parse_BrokenTarget_NamesTheField(string variant, string expected)
    {
        var error = Assert.Throws<TargetFileException>(() => TargetLoader.Parse(Broken(variant), "my-target.json", Fixtures, _ => null));

        Assert.Contains(error.Errors, e => e.Contains(expected, StringComparison.Ordinal));
        Assert.StartsWith("my-target.json:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://as.example.net/")]
    [InlineData("http://localhost:5099/")]
    [InlineData("http://[::1]:5099/")]
    public void Parse_AnIssuerOverTlsOrOnLoopback_IsAccepted_AndIdentifiersItNeverContactsMayBePlainHttp(string issuer)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference.json")))!;
        root["authorizationServers"]![0]!["issuer"] = issuer;
        // A partner domain's identifiers and an Intent's objects are never sent a request.
        root["authorizationServers"]![0]!["resourceAuthorizationServers"]![0]!["issuer"] = "http://as.partner.example/";

        var target = TargetLoader.Parse(root.ToJsonString(), "my-target.json", Fixtures, _ => null);

        Assert.Equal(new Uri(issuer), target.AuthorizationServer.Issuer);
    }

    private static string Broken(string variant)
    {
        if (variant == "NotJson") return "{ \"name\": ";
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference.json")))!;
        var server = root["authorizationServers"]![0]!.AsObject();
        var clients = server["clients"]!.AsArray();
        switch (variant)
        {
            case "UnknownAuthMethod": clients[1]!["auth"] = "basic"; break;
            case "UnknownEdition": root["edition"] = "ietf-2025-01"; break;
            case "SeedIntentWithoutObjects": server["intent"]!.AsObject().Remove("objects"); break;
            case "IetfIntentInTheSeedShape": root["edition"] = "ietf-2026-08"; break;
            case "MissingIssuer": server.Remove("issuer"); break;
            case "UnknownMember": server["colour"] = "blue"; break;
            case "MissingEnvironment": clients[0]!["secret"] = "${env:NOT_SET_ANYWHERE}"; break;
            case "MissingKeyFile": clients[0]!["keyFile"] = "../keys/nobody.jwk.json"; break;
            case "NoAgent": clients[0]!["role"] = "admin"; clients.RemoveAt(3); break;
            case "NoConsentPage": server["consent"]!["pages"]!.AsArray().RemoveAt(3); break;
            case "ConsentPageWithoutDeny": server["consent"]!["pages"]![3]!.AsObject().Remove("deny"); break;
            case "DelegateForNobody": server["accounts"]![2]!["onBehalfOf"] = "dave"; break;
            case "DelegateWithoutOnBehalfOf": server["accounts"]![2]!.AsObject().Remove("onBehalfOf"); break;
            case "SelectWithoutValue": server["consent"]!["pages"]![2]!["steps"]![0]!.AsObject().Remove("value"); break;
            case "NoServers": root.AsObject().Remove("authorizationServers"); root.AsObject().Remove("resourceServers"); root.AsObject().Remove("resourceAuthorizationServers"); root.AsObject().Remove("pdps"); break;
            case "PdpAllowedOutsideItsEntry": root["pdps"]![0]!["probes"]!["allowed"]!["action"] = "delete_doc"; break;
            case "PdpOutOfSetActionInItsEntry": root["pdps"]![0]!["probes"]!["outOfSetAction"] = "create_doc"; break;
            case "DuplicatePdp": root["pdps"]!.AsArray().Add(root["pdps"]![0]!.DeepClone()); break;
            case "PdpIdOfAResourceServer": root["pdps"]![0]!["id"] = "docs"; break;
            case "PdpEvidenceTokenUnset": root["pdps"]![0]!["evidence"]!["token"] = "${env:NOT_SET_ANYWHERE}"; break;
            case "PdpUnknownAuthentication": root["pdps"]![0]!["authentication"] = "shared_secret"; break;
            case "PlainHttpIssuerOffLoopback": server["issuer"] = "http://as.example.net/"; break;
            case "PlainHttpStatusOffLoopback": server["missionStatus"] = new JsonObject { ["url"] = "http://status.example.net/missions/{mission}/status", ["body"] = "query" }; break;
            case "PlainHttpEvidenceOffLoopback": root["pdps"]![0]!["evidence"]!["export"] = "http://10.0.0.7/evidence"; break;
            case "PlainHttpResourceServerOffLoopback": root["resourceServers"]![1]!["resource"] = "http://docs.example.net/mcp"; break;
            case "DuplicateResourceAs": root["resourceAuthorizationServers"]!.AsArray().Add(root["resourceAuthorizationServers"]![0]!.DeepClone()); break;
            case "ResourceAsUnderTestIsTheAs": root["resourceAuthorizationServers"]![0]!["issuer"] = (string?)server["issuer"]; break;
            case "ResourceAsSecretUnset": root["resourceAuthorizationServers"]![0]!["secret"] = "${env:NOT_SET_ANYWHERE}"; break;
            case "ResourceAsWithoutEntry": root["resourceAuthorizationServers"]![0]!.AsObject().Remove("entry"); break;
            case "ResourceAsIdOfAResourceServer": root["resourceAuthorizationServers"]![0]!["id"] = "workflow"; break;
            case "ForbiddenProbeIsAllowed": root["resourceServers"]![0]!["probes"]!["forbiddenAction"]!["tool"] = "query_financials"; break;
            case "DuplicateResourceServer": root["resourceServers"]![1]!["id"] = "finance"; break;
            case "BindingForAnUnlistedAction": root["resourceServers"]![1]!["parameterBinding"]!["actions"]!.AsArray().Add("delete_doc"); break;
            case "EvidenceTokenUnset": root["resourceServers"]![0]!["evidence"]!["token"] = "${env:NOT_SET_ANYWHERE}"; break;
            case "EvidenceWithoutToken": root["resourceServers"]![0]!["evidence"]!.AsObject().Remove("token"); break;
            case "StepWithTwoActions": server["consent"]!["pages"]![0]!["steps"]![2]!["check"] = "#remember-me"; break;
            case "StatusWithoutAudience": clients[4]!.AsObject().Remove("audience"); break;
            case "PublicStatusClient": clients[4]!["auth"] = "none"; break;
            case "TwoStatusClientsOneAudience": clients[5]!["audience"] = (string?)clients[4]!["audience"]; break;
            case "PublicDelegate": clients[8]!["auth"] = "none"; clients[8]!.AsObject().Remove("secret"); break;
            case "TwoDelegates": clients.Add(clients[8]!.DeepClone()); break;
            case "ResourceAsIsTheAs": server["resourceAuthorizationServers"]!.AsArray().Add(new JsonObject { ["issuer"] = (string?)server["issuer"], ["resources"] = new JsonArray("https://docs.board-packet.example/mcp") }); break;
            case "ResourceWithTwoAuthorities": server["resourceAuthorizationServers"]!.AsArray().Add(new JsonObject { ["issuer"] = "https://as.other.example/", ["resources"] = new JsonArray("https://workflow.board-packet.example/mcp") }); break;
            case "ResourceAsWithoutResources": server["resourceAuthorizationServers"]![0]!["resources"] = new JsonArray(); break;
            case "ProjectionIssuerIsTheMas": server["projectionIssuers"] = new JsonArray(ProjectionIssuer("workflow-pi", (string)server["issuer"]!)); break;
            case "ProjectionIssuerSecretUnset": server["projectionIssuers"] = new JsonArray(ProjectionIssuer("workflow-pi", "https://pi.example/", "${env:NOT_SET_ANYWHERE}")); break;
            case "TwoProjectionIssuersOneId": server["projectionIssuers"] = new JsonArray(ProjectionIssuer("workflow-pi", "https://pi.example/"), ProjectionIssuer("workflow-pi", "https://pi2.example/")); break;
            case "ProjectionIssuerIdOfAResourceAs": server["projectionIssuers"] = new JsonArray(ProjectionIssuer("workflow-ras", "https://pi.example/")); break;
            case "TrustFileMissing": server["tlsTrustFile"] = "../keys/nobody.pem"; break;
            case "TrustFileWithoutCertificate": server["tlsTrustFile"] = "../keys/agent-confidential.jwk.json"; break;
            case "EventReceiverOnPortZero": server["lifecycleEvents"] = new JsonObject { ["receiverPort"] = 0, ["audience"] = "https://finance.board-packet.example/mcp" }; break;
            case "ProjectionIssuerWithoutClient": server["projectionIssuers"] = new JsonArray(ProjectionIssuer("workflow-pi", "https://pi.example/")); server["projectionIssuers"]![0]!.AsObject().Remove("clientId"); break;
            case "UnknownPageKind": server["consent"]!["pages"]![1]!["kind"] = "captcha"; break;
            case "LifecycleJsonWithoutCredential": server["lifecycle"] = JsonNode.Parse("""{"url":"https://as.example/lifecycle","body":"json"}"""); break;
            case "LifecycleRelativeUrl": server["lifecycle"] = JsonNode.Parse("""{"url":"/missions/{mission}/lifecycle"}"""); break;
            case "LifecycleBearerAndHeader": server["lifecycle"] = JsonNode.Parse("""{"url":"https://as.example/lifecycle","authentication":{"bearer":"t","header":"x-t","value":"v"}}"""); break;
            case "StatusQueryWithoutCredential": server["missionStatus"] = JsonNode.Parse("""{"url":"https://as.example/missions/{mission}/status","body":"query"}"""); break;
            case "LifecycleByQuery": server["lifecycle"] = JsonNode.Parse("""{"url":"https://as.example/lifecycle","body":"query","authentication":{"bearer":"t"}}"""); break;
            case "LifecycleTokenUnset": server["lifecycle"] = JsonNode.Parse("""{"url":"https://as.example/lifecycle","authentication":{"header":"x-service-token","value":"${env:NOT_SET_ANYWHERE}"}}"""); break;
        }
        return root.ToJsonString();
    }

    internal static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MissionConformance.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    private static JsonObject ProjectionIssuer(string id, string issuer, string secret = "s")
        => new() { ["id"] = id, ["issuer"] = issuer, ["clientId"] = "agent-at-pi", ["secret"] = secret };
}
