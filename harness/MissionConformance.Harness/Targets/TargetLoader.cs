using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Harness.Targets;

/// <summary>An input file the user wrote that cannot be used (exit 2); every error names the field of the file to fix.</summary>
public abstract class InputFileException(string file, string kind, IReadOnlyList<string> errors)
    : Exception($"{file}: {errors.Count} error(s) in the {kind} file:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>A target file that cannot be used.</summary>
public sealed class TargetFileException(string file, IReadOnlyList<string> errors) : InputFileException(file, "target", errors);

/// <summary>
/// Reads and validates a target file before anything is sent: JSON Schema first
/// (fixtures/schemas/target.schema.json), then what a schema cannot say (key files, environment
/// variables, one agent client, one approver).
/// </summary>
public static partial class TargetLoader
{
    public static Target Load(string path, Func<string, string?>? environment = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TargetFileException(path, [$"cannot read the file: {e.Message}"]);
        }
        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path))!, environment ?? Environment.GetEnvironmentVariable);
    }

    public static Target Parse(string json, string fileName, string baseDirectory, Func<string, string?> environment)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TargetFileException(fileName, [$"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message.Split(" Path:")[0]}"]);
        }

        var schemaErrors = ArtifactSchemas.Validate(ArtifactKind.TargetFile, root!.ToJsonString());
        if (schemaErrors.Count > 0)
        {
            throw new TargetFileException(fileName, schemaErrors.Select(e => $"{FieldPath(e.Pointer)}: {e.Message}").ToList());
        }
        if (PlainHttpOffLoopback(root) is { Count: > 0 } cleartext) throw new TargetFileException(fileName, cleartext);

        var errors = new List<string>();
        var servers = new List<AuthorizationServerTarget>();
        var serverNodes = root["authorizationServers"] as JsonArray ?? [];
        if (serverNodes.Count == 0 && (root["resourceServers"] as JsonArray ?? []).Count == 0 && (root["resourceAuthorizationServers"] as JsonArray ?? []).Count == 0
            && (root["pdps"] as JsonArray ?? []).Count == 0)
        {
            throw new TargetFileException(fileName, ["authorizationServers, resourceServers, resourceAuthorizationServers, pdps: name at least one server to test"]);
        }
        var edition = Editions.Edition.Named((string?)root["edition"] ?? Editions.Edition.SeedName)!;  // the schema's enum names every edition
        for (var i = 0; i < serverNodes.Count; i++)
        {
            servers.Add(ReadServer(serverNodes[i]!.AsObject(), $"authorizationServers[{i}]", baseDirectory, environment, errors));
            // The Intent is submitted as written, so it is in the edition's shape (its expiry the harness sets for each Mission).
            var intent = serverNodes[i]!["intent"]!.AsObject();
            foreach (var member in edition.RequiredIntentMembers.Where(m => intent[m] is null))
            {
                errors.Add($"authorizationServers[{i}].intent.{member}: required by edition {edition.Name}");
            }
            if (edition.Resources(intent).Count < 2)
            {
                errors.Add($"authorizationServers[{i}].intent.{edition.ResourcesMember}: give at least two, so a Mission can be narrowed to fewer");
            }
        }
        if (errors.Count > 0) throw new TargetFileException(fileName, errors);

        var resourceServers = ReadResourceServers(root["resourceServers"] as JsonArray ?? [], environment, errors);
        var resourceAses = ReadResourceAses(root["resourceAuthorizationServers"] as JsonArray ?? [], servers, resourceServers, environment, errors);
        var pdps = ReadPdps(root["pdps"] as JsonArray ?? [], [.. resourceServers.Select(r => r.Id), .. resourceAses.Select(r => r.Id)], environment, errors);
        // Verdicts are about an id: a projection issuer sharing one with another server would mix their findings in the report.
        var otherIds = servers.Select(s => s.Id).Concat(resourceServers.Select(r => r.Id)).Concat(resourceAses.Select(r => r.Id)).Concat(pdps.Select(p => p.Id))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (server, index) in servers.Select((s, i) => (s, i)))
        {
            foreach (var clash in server.ProjectionIssuers.Where(p => otherIds.Contains(p.Id)))
            {
                errors.Add($"authorizationServers[{index}].projectionIssuers: id \"{clash.Id}\" also names another server of this file; give each server its own");
            }
        }
        if (errors.Count > 0) throw new TargetFileException(fileName, errors);

        var t = root["timeouts"];
        TimeSpan Seconds(string field, TimeSpan fallback) => (int?)t?[field] is { } seconds ? TimeSpan.FromSeconds(seconds) : fallback;
        var timeouts = new Timeouts(Seconds("requestSeconds", Timeouts.Default.Request), Seconds("scenarioSeconds", Timeouts.Default.Scenario),
            Seconds("consentSeconds", Timeouts.Default.Consent));
        return new Target((string)root["name"]!, edition, servers, timeouts, ReadScope(root["scope"]))
        {
            ResourceServers = resourceServers,
            ResourceAses = resourceAses,
            Pdps = pdps,
            MaxResponseBytes = (long?)root["limits"]?["responseBytes"] ?? Wire.WireLog.DefaultMaxResponseBytes,
            Peers = new Peers.PeerSettings((int?)root["peers"]?["authorizationServerPort"] ?? 0, (int?)root["peers"]?["pdpPort"] ?? 0,
                servers.Select(s => s.LifecycleEvents?.ReceiverPort).FirstOrDefault(p => p is not null)),
        };
    }

    private static AuthorizationServerTarget ReadServer(JsonObject node, string at, string baseDirectory, Func<string, string?> environment, List<string> errors)
    {
        var clients = new List<TargetClient>();
        var clientNodes = node["clients"]!.AsArray();
        for (var i = 0; i < clientNodes.Count; i++)
        {
            var c = clientNodes[i]!;
            var field = $"{at}.clients[{i}]";
            var auth = (string)c["auth"]!;
            var secret = Resolve((string?)c["secret"], $"{field}.secret", environment, errors);
            if (auth == "client_secret_basic" && secret is null) errors.Add($"{field}.secret: required for auth \"client_secret_basic\"");
            JsonWebKey? key = null;
            if ((string?)c["keyFile"] is { } keyFile)
            {
                key = LoadKey(Path.GetFullPath(Path.Combine(baseDirectory, keyFile)), $"{field}.keyFile", errors);
            }
            else if (auth == "private_key_jwt")
            {
                errors.Add($"{field}.keyFile: required for auth \"private_key_jwt\" (a private JWK)");
            }
            var role = (string)c["role"]!;
            var audience = (string?)c["audience"];
            if (role == "status" && audience is null) errors.Add($"{field}.audience: a status client needs the audience it asks Mission Status for");
            // Mission Status forbids client secrets (mission-status.md), introspection does not (RFC 7662 §2.1): a status client with a
            // secret introspects only, and the Mission Status checks say it cannot ask.
            if (role == "status" && auth is not ("private_key_jwt" or "client_secret_basic"))
            {
                errors.Add($"{field}.auth: a status client authenticates with private_key_jwt (Mission Status and introspection) or client_secret_basic (introspection only)");
            }
            if (role != "status" && audience is not null) errors.Add($"{field}.audience: only a client with role \"status\" has an audience");
            if (role == "delegate" && auth == "none") errors.Add($"{field}.auth: a delegate is identified by its own client authentication (oauth-profile.md §10), so it cannot be public");
            var certificate = (string?)c["certificateFile"] is { } certificateFile
                ? LoadClientCertificate(Path.GetFullPath(Path.Combine(baseDirectory, certificateFile)), $"{field}.certificateFile", errors)
                : null;
            if (certificate is not null && role != "status") errors.Add($"{field}.certificateFile: only a status client presents a TLS client certificate (Mission Status mtls)");
            clients.Add(new TargetClient(role, (string)c["clientId"]!, auth, secret, key, audience)
            {
                Certificate = certificate, ParParameters = Parameters(c["parameters"]?["par"]), TokenParameters = Parameters(c["parameters"]?["token"]),
            });
        }
        if (clients.All(c => c.Role != "agent")) errors.Add($"{at}.clients: one client needs role \"agent\" (the client the suite requests Missions with)");
        foreach (var duplicate in clients.Where(c => c.Role == "status").GroupBy(c => c.Audience).Where(g => g.Count() > 1))
        {
            errors.Add($"{at}.clients: {duplicate.Count()} status clients ask for audience \"{duplicate.Key}\"; give one per audience");
        }
        foreach (var duplicate in clients.Where(c => c.Role != "status").GroupBy(c => c.Role).Where(g => g.Count() > 1))
        {
            errors.Add($"{at}.clients: role \"{duplicate.Key}\" is given to {duplicate.Count()} clients; each role names one client");
        }

        var accounts = new List<TargetAccount>();
        var accountNodes = node["accounts"]!.AsArray();
        for (var i = 0; i < accountNodes.Count; i++)
        {
            var a = accountNodes[i]!;
            var password = Resolve((string)a["password"]!, $"{at}.accounts[{i}].password", environment, errors) ?? "";
            var secondFactor = Resolve((string?)a["secondFactor"], $"{at}.accounts[{i}].secondFactor", environment, errors);
            accounts.Add(new TargetAccount((string)a["role"]!, (string)a["username"]!, password, (string?)a["subject"], secondFactor,
                (string?)a["displayName"], (string?)a["onBehalfOf"]) { ApprovesFor = (string?)a["approvesFor"] });
        }
        if (accounts.All(a => a.Role != "approver")) errors.Add($"{at}.accounts: one account needs role \"approver\"");
        for (var i = 0; i < accounts.Count; i++)
        {
            var a = accounts[i];
            if ((a.Role == "delegate") != (a.OnBehalfOf is not null))
            {
                errors.Add($"{at}.accounts[{i}]: role \"delegate\" and onBehalfOf go together (a delegate approves on behalf of another account)");
            }
            else if (a.OnBehalfOf is { } represented && (represented == a.Username || accounts.All(o => o.Username != represented)))
            {
                errors.Add($"{at}.accounts[{i}].onBehalfOf: \"{represented}\" is not the username of another account in this file");
            }
        }

        var narrowing = node["narrowing"] is JsonObject n
            ? new NarrowingProbe((int?)n["missionLifetimeDays"] ?? 60, (string?)n["unknownObject"],
                n["fields"]?.AsArray().Select(f => (string)f!).ToList() ?? [])
            : null;
        var issuer = new Uri((string)node["issuer"]!);
        return new AuthorizationServerTarget(
            (string)node["id"]!, issuer, (string)node["redirectUri"]!, clients, accounts,
            node["intent"]!.AsObject(), narrowing,
            (string?)node["purposes"]?["registered"], (string?)node["purposes"]?["unregistered"],
            (bool?)node["inventory"] ?? false, ReadConsent(node["consent"] as JsonObject, $"{at}.consent", errors))
        {
            ResourceAuthorizationServers = ReadResourceAuthorizationServers(node["resourceAuthorizationServers"] as JsonArray ?? [], issuer, $"{at}.resourceAuthorizationServers", errors),
            LifecycleEvents = node["lifecycleEvents"] is JsonObject events ? new LifecycleEventsTarget((int)events["receiverPort"]!, (string)events["audience"]!) : null,
            ProjectionIssuers = ReadProjectionIssuers(node["projectionIssuers"] as JsonArray ?? [], issuer, $"{at}.projectionIssuers", environment, errors),
            Expansion = (bool?)node["expansion"] ?? false,
            LifecycleRole = LifecycleRole(node, clients, $"{at}.lifecycleClient", errors),
            Dpop = (bool?)node["dpop"] ?? false,
            Discovery = [.. (node["discovery"] as JsonArray ?? []).Select(d => new Uri((string)d!))],
            SelfExchange = (bool?)node["selfExchange"],
            Lifecycle = ReadDeclaredEndpoint(node["lifecycle"] as JsonObject, $"{at}.lifecycle", environment, errors),
            MissionStatus = ReadDeclaredEndpoint(node["missionStatus"] as JsonObject, $"{at}.missionStatus", environment, errors),
            TlsTrust = (string?)node["tlsTrustFile"] is { } trustFile ? LoadCertificates(Path.GetFullPath(Path.Combine(baseDirectory, trustFile)), $"{at}.tlsTrustFile", errors) : [],
        };
    }

    /// <summary>lifecycle, missionStatus: an absolute URL (its {mission} aside), a JSON or query body only with a header credential, env references resolved.</summary>
    private static DeclaredEndpoint? ReadDeclaredEndpoint(JsonObject? node, string at, Func<string, string?> environment, List<string> errors)
    {
        if (node is null) return null;
        var url = (string)node["url"]!;
        if (!Uri.TryCreate(url.Replace(DeclaredEndpoint.MissionPlaceholder, "m", StringComparison.Ordinal), UriKind.Absolute, out var parsed)
            || parsed.Scheme is not ("http" or "https"))
        {
            errors.Add($"{at}.url: \"{url}\" is not an absolute http(s) URL");
        }
        var body = (string?)node["body"] switch { "json" => DeclaredBody.Json, "query" => DeclaredBody.Query, _ => DeclaredBody.Form };
        DeclaredAuthentication? authentication = null;
        if (node["authentication"] is JsonObject auth)
        {
            authentication = (string?)auth["bearer"] is { } bearer
                ? new DeclaredAuthentication("Authorization", "Bearer " + Resolve(bearer, $"{at}.authentication.bearer", environment, errors))
                : new DeclaredAuthentication((string)auth["header"]!, Resolve((string)auth["value"]!, $"{at}.authentication.value", environment, errors) ?? "");
        }
        if (body != DeclaredBody.Form && authentication is null)
        {
            errors.Add($"{at}.body: a {(body == DeclaredBody.Json ? "JSON body" : "query")} cannot carry a client assertion; give {at}.authentication, or the form body");
        }
        return new DeclaredEndpoint(url, body, authentication);
    }

    /// <summary>lifecycleClient: a role that a client of the file has; "admin" without an admin client is an error naming the field.</summary>
    private static string? LifecycleRole(JsonObject node, IReadOnlyList<TargetClient> clients, string at, List<string> errors)
    {
        var role = (string?)node["lifecycleClient"];
        if (role is not null && clients.All(c => c.Role != role)) errors.Add($"{at}: \"{role}\" names no client of clients[] (add one with \"role\": \"{role}\")");
        return role;
    }

    /// <summary>A PEM file holding a certificate and its private key, as a TLS client presents them.</summary>
    private static System.Security.Cryptography.X509Certificates.X509Certificate2? LoadClientCertificate(string path, string field, List<string> errors)
    {
        try
        {
            using var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(path);
            // Through PKCS#12, so the private key is usable by the TLS stack on every platform.
            return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
                pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            errors.Add($"{field}: cannot read a certificate and its private key (PEM) from {path}: {e.Message}");
            return null;
        }
    }

    /// <summary>Every certificate of a PEM file; none readable is an error, as the file was named to be trusted.</summary>
    private static List<System.Security.Cryptography.X509Certificates.X509Certificate2> LoadCertificates(string path, string field, List<string> errors)
    {
        try
        {
            var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            if (certificates.Count == 0) errors.Add($"{field}: {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            return [.. certificates];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            errors.Add($"{field}: cannot read PEM certificates from {path}: {e.Message}");
            return [];
        }
    }

    /// <summary>mas.md: each projection issuer is an authorization server of its own, with its own id and issuer.</summary>
    private static List<ProjectionIssuerTarget> ReadProjectionIssuers(JsonArray nodes, Uri authority, string at, Func<string, string?> environment, List<string> errors)
    {
        var issuers = new List<ProjectionIssuerTarget>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i]!;
            var id = (string)node["id"]!;
            var issuer = new Uri((string)node["issuer"]!);
            if (issuer.AbsoluteUri == authority.AbsoluteUri) errors.Add($"{at}[{i}].issuer: a projection issuer is another authorization server than the MAS that authorises it");
            if (issuers.Any(p => p.Issuer.AbsoluteUri == issuer.AbsoluteUri)) errors.Add($"{at}[{i}].issuer: {issuer} is declared twice");
            if (issuers.Any(p => p.Id == id)) errors.Add($"{at}[{i}].id: \"{id}\" names two projection issuers; each needs its own id");
            if (Resolve((string)node["secret"]!, $"{at}[{i}].secret", environment, errors) is { } secret)
            {
                issuers.Add(new ProjectionIssuerTarget(id, issuer, (string)node["clientId"]!, secret));
            }
        }
        return issuers;
    }

    /// <summary>oauth-profile.md §14: each Resource AS is another domain's, and no resource has two authorities.</summary>
    private static List<ResourceAuthorizationServer> ReadResourceAuthorizationServers(JsonArray nodes, Uri origin, string at, List<string> errors)
    {
        var servers = new List<ResourceAuthorizationServer>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var issuer = new Uri((string)nodes[i]!["issuer"]!);
            var resources = nodes[i]!["resources"]!.AsArray().Select(r => (string)r!).Distinct(StringComparer.Ordinal).ToList();
            if (issuer.AbsoluteUri == origin.AbsoluteUri) errors.Add($"{at}[{i}].issuer: a Resource AS is another trust domain's, not the AS under test itself");
            if (servers.FirstOrDefault(s => s.Issuer.AbsoluteUri == issuer.AbsoluteUri) is not null) errors.Add($"{at}[{i}].issuer: {issuer} is declared twice");
            foreach (var resource in resources.Where(r => servers.Any(s => s.Resources.Contains(r))))
            {
                errors.Add($"{at}[{i}].resources: {resource} is already another Resource AS's; a resource has one authority");
            }
            servers.Add(new ResourceAuthorizationServer(issuer, resources));
        }
        return servers;
    }

    /// <summary>The consent block; absent parts default to the reference AS's script in the browser.</summary>
    /// <summary>A parameters object of the target file: each member once, or once per value of an array.</summary>
    private static List<KeyValuePair<string, string>> Parameters(JsonNode? node)
        => node is JsonObject members
            ? [.. members.SelectMany(m => m.Value is JsonArray values
                ? values.Select(v => KeyValuePair.Create(m.Key, (string)v!))
                : [KeyValuePair.Create(m.Key, (string)m.Value!)])]
            : [];

    private static ConsentSettings ReadConsent(JsonObject? consent, string at, List<string> errors)
    {
        if (consent is null) return ConsentSettings.Reference;
        if (consent["pages"] is JsonArray declared)
        {
            var consentPages = declared.Select((p, i) => (Page: p!, Index: i)).Where(p => (string?)p.Page["kind"] == "consent").ToList();
            if (consentPages.Count != 1) errors.Add($"{at}.pages: exactly one page needs kind \"consent\" ({consentPages.Count} have it)");
            foreach (var (page, index) in consentPages.Where(p => p.Page["approve"] is null || p.Page["deny"] is null))
            {
                errors.Add($"{at}.pages[{index}]: a consent page needs \"approve\" and \"deny\" (the selectors of its buttons)");
            }
        }
        var script = consent["pages"] is JsonArray pages
            ? new ConsentScript([.. pages.Select(p => new ScriptPage((string)p!["name"]!, PageKind((string)p["kind"]!), (string)p["when"]!,
                [.. (p["steps"] as JsonArray ?? []).Select(s => ReadStep(s!.AsObject()))], (string?)p["approve"], (string?)p["deny"])
                {
                    Submit = p["submit"] is JsonObject submit
                        ? new DecisionSubmission((string?)submit["as"] == "json", (submit["add"] as JsonObject ?? []).ToDictionary(m => m.Key, m => (string)m.Value!, StringComparer.Ordinal))
                        : null,
                })])
            : ConsentScript.Reference;
        var stepUp = consent.ContainsKey("stepUp") ? (string?)consent["stepUp"]?["acr"] : consent["pages"] is null ? ConsentSettings.ReferenceStepUpAcr : null;
        return new ConsentSettings((string?)consent["driver"] ?? "browser", script, stepUp);
    }

    private static ConsentPageKind PageKind(string kind) => kind switch
    {
        "login" => ConsentPageKind.Login,
        "stepUp" => ConsentPageKind.StepUp,
        "consent" => ConsentPageKind.Consent,
        _ => ConsentPageKind.Other,
    };

    /// <summary>The schema's oneOf guarantees exactly one action member.</summary>
    private static ScriptStep ReadStep(JsonObject step)
    {
        var action = ScriptStep.Actions.First(step.ContainsKey);
        return action switch
        {
            "fill" or "select" => new ScriptStep(action, (string)step[action]!, (string?)step["value"]),
            "expectText" => new ScriptStep(action, (string?)step["in"], (string)step["expectText"]!),
            _ => new ScriptStep(action, (string)step[action]!, null),
        };
    }

    private static List<ResourceServerTarget> ReadResourceServers(JsonArray nodes, Func<string, string?> environment, List<string> errors)
    {
        var servers = new List<ResourceServerTarget>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i]!;
            var at = $"resourceServers[{i}]";
            var actions = node["entry"]!["actions"]!.AsArray().Select(a => (string)a!).ToList();
            var probes = node["probes"]!;
            ToolProbe Probe(JsonNode p) => new((string)p["tool"]!, (p["arguments"] as JsonObject)?.DeepClone().AsObject() ?? []);
            var allowed = Probe(probes["allowed"]!);
            var forbidden = Probe(probes["forbiddenAction"]!);
            if (!actions.Contains(allowed.Tool)) errors.Add($"{at}.probes.allowed.tool: \"{allowed.Tool}\" is not one of entry.actions");
            if (actions.Contains(forbidden.Tool)) errors.Add($"{at}.probes.forbiddenAction.tool: \"{forbidden.Tool}\" is one of entry.actions; name a tool outside them");
            var violation = probes["constraintViolation"] is { } v ? Probe(v) : null;
            if (violation is not null && !actions.Contains(violation.Tool)) errors.Add($"{at}.probes.constraintViolation.tool: \"{violation.Tool}\" is not one of entry.actions");
            servers.Add(new ResourceServerTarget((string)node["id"]!, (string)node["resource"]!, (string?)node["claimedTier"], (bool?)node["consequential"] ?? true,
                actions, (node["entry"]!["constraints"] as JsonObject)?.DeepClone().AsObject() ?? [], allowed, forbidden, violation, (int?)node["maxStaleSeconds"] ?? 5)
            {
                EventReceiver = (string?)node["events"]?["receiver"] is { } receiver ? new Uri(receiver) : null,
                Dpop = (bool?)node["dpop"] ?? false,
                Manifest = (string?)node["manifest"] is { } manifest ? new Uri(manifest) : null,
                ManifestChange = node["manifestChange"] is { } change && Resolve((string)change["token"]!, $"{at}.manifestChange.token", environment, errors) is { } changeToken
                    ? new DeclaredManifestChange(new Uri((string)change["url"]!), changeToken)
                    : null,
                DropOutcome = node["dropOutcome"] is { } drop && Resolve((string)drop["token"]!, $"{at}.dropOutcome.token", environment, errors) is { } dropToken
                    ? new DeclaredOutcomeDrop(new Uri((string)drop["url"]!), dropToken)
                    : null,
                ParameterBinding = ReadParameterBinding(node["parameterBinding"], actions, at, errors),
                Evidence = node["evidence"] is { } evidence && Resolve((string)evidence["token"]!, $"{at}.evidence.token", environment, errors) is { } token
                    ? new EvidenceExport(new Uri((string)evidence["export"]!), token)
                    : null,
                Effects = node["effects"] is { } effects && Resolve((string)effects["token"]!, $"{at}.effects.token", environment, errors) is { } effectsToken
                    ? new EffectsObserver(new Uri((string)effects["observer"]!), effectsToken)
                    : null,
            });
        }
        foreach (var duplicate in servers.GroupBy(s => s.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"resourceServers: id \"{duplicate.Key}\" names {duplicate.Count()} servers; each needs its own id");
        }
        return servers;
    }

    private static List<ResourceAsTarget> ReadResourceAses(JsonArray nodes, List<AuthorizationServerTarget> servers, List<ResourceServerTarget> resourceServers,
        Func<string, string?> environment, List<string> errors)
    {
        var resourceAses = new List<ResourceAsTarget>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i]!;
            var at = $"resourceAuthorizationServers[{i}]";
            var issuer = new Uri((string)node["issuer"]!);
            // The harness is its origin: an AS under test at the same issuer would be both the origin and the receiving domain.
            if (servers.Any(s => s.Issuer.AbsoluteUri == issuer.AbsoluteUri)) errors.Add($"{at}.issuer: {issuer} is also an authorizationServers[] issuer; a Resource AS is judged as the receiving domain of the harness's ID-JAGs");
            // Verdicts are about an id: one id naming a Resource Server and a Resource AS would mix their findings in the report.
            if (resourceServers.Any(r => r.Id == (string?)node["id"])) errors.Add($"{at}.id: \"{(string?)node["id"]}\" is also a resourceServers[] id; give each server its own");
            var entry = new JsonObject
            {
                ["type"] = "mission_resource_access",
                ["resource"] = (string)node["entry"]!["resource"]!,
                ["actions"] = node["entry"]!["actions"]!.DeepClone(),
                ["constraints"] = node["entry"]!["constraints"]?.DeepClone() ?? new JsonObject(),
            };
            var introspection = node["introspection"] is { } declared && Resolve((string)declared["secret"]!, $"{at}.introspection.secret", environment, errors) is { } introspectionSecret
                ? new ResourceAsIntrospection((string)declared["clientId"]!, introspectionSecret)
                : null;
            if (Resolve((string)node["secret"]!, $"{at}.secret", environment, errors) is { } secret)
            {
                resourceAses.Add(new ResourceAsTarget((string)node["id"]!, issuer, (string)node["clientId"]!, secret, entry)
                {
                    Introspection = introspection,
                    ProjectionIssuer = node["projectionIssuer"] is JsonValue projection && projection.GetValue<bool>(),
                });
            }
        }
        foreach (var duplicate in resourceAses.GroupBy(s => s.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"resourceAuthorizationServers: id \"{duplicate.Key}\" names {duplicate.Count()} servers; each needs its own id");
        }
        return resourceAses;
    }

    private static List<PdpTarget> ReadPdps(JsonArray nodes, IReadOnlyCollection<string> otherIds, Func<string, string?> environment, List<string> errors)
    {
        var pdps = new List<PdpTarget>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i]!;
            var at = $"pdps[{i}]";
            var id = (string)node["id"]!;
            // Verdicts are about an id: one id naming a PDP and another server would mix their findings in the report.
            if (otherIds.Contains(id)) errors.Add($"{at}.id: \"{id}\" also names another server of this file; give each server its own");
            var resource = (string)node["resource"]!;
            var entry = new JsonObject
            {
                ["type"] = "mission_resource_access",
                ["resource"] = resource,
                ["actions"] = node["entry"]!["actions"]!.DeepClone(),
                ["constraints"] = node["entry"]!["constraints"]?.DeepClone() ?? new JsonObject(),
            };
            var allowed = (string)node["probes"]!["allowed"]!["action"]!;
            if (!entry["actions"]!.AsArray().Any(a => (string?)a == allowed)) errors.Add($"{at}.probes.allowed.action: \"{allowed}\" is not one of entry.actions");
            var outOfSet = (string?)node["probes"]!["outOfSetAction"];
            if (outOfSet is not null && entry["actions"]!.AsArray().Any(a => (string?)a == outOfSet)) errors.Add($"{at}.probes.outOfSetAction: \"{outOfSet}\" is one of entry.actions");
            var binding = node["parameterBinding"] is { } declared
                ? new ParameterBinding((string)declared["schemaVersion"]!, (string)declared["authorizationDomain"]!, [allowed])
                : null;
            var evidence = node["evidence"] is { } export && Resolve((string)export["token"]!, $"{at}.evidence.token", environment, errors) is { } token
                ? new DecisionEvidenceExport(new Uri((string)export["export"]!), token, new Uri((string)export["jwks"]!))
                : null;
            pdps.Add(new PdpTarget(id, new Uri((string)node["url"]!), resource, entry, allowed)
            {
                AllowedParameters = node["probes"]!["allowed"]!["parameters"]?.DeepClone() as JsonObject,
                OutOfSetAction = outOfSet,
                ConstraintViolation = node["probes"]!["constraintViolation"]?.DeepClone() as JsonObject,
                ParameterBinding = binding,
                Evidence = evidence,
            });
        }
        foreach (var duplicate in pdps.GroupBy(p => p.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"pdps: id \"{duplicate.Key}\" names {duplicate.Count()} PDPs; each needs its own id");
        }
        return pdps;
    }

    /// <summary>The fields whose URLs the harness (or the browser it drives) sends requests to, credentials and tokens among them.</summary>
    private static readonly string[] ContactedUrls =
    [
        "authorizationServers[].issuer", "authorizationServers[].redirectUri", "authorizationServers[].discovery[]", "authorizationServers[].lifecycle.url",
        "authorizationServers[].missionStatus.url", "authorizationServers[].projectionIssuers[].issuer",
        "resourceServers[].resource", "resourceServers[].events.receiver", "resourceServers[].manifest", "resourceServers[].manifestChange.url",
        "resourceServers[].evidence.export", "resourceServers[].effects.observer", "resourceServers[].dropOutcome.url",
        "resourceAuthorizationServers[].issuer",
        "pdps[].url", "pdps[].evidence.export", "pdps[].evidence.jwks",
    ];

    /// <summary>
    /// Issue 23: plain http:// is refused wherever the harness would send a request to a host outside loopback (127.0.0.0/8, ::1,
    /// localhost), before anything is sent: secrets, codes and tokens would cross the network in the clear. Identifiers it never
    /// contacts (Intent objects, partner domains, a PDP's resource) may be anything the schema allows.
    /// </summary>
    private static List<string> PlainHttpOffLoopback(JsonNode root)
    {
        var errors = new List<string>();
        foreach (var field in ContactedUrls)
        {
            foreach (var (path, value) in At(root, field.Split('.'), ""))
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                    && Uri.TryCreate(text.Replace("{mission}", "m", StringComparison.Ordinal), UriKind.Absolute, out var uri) && !uri.IsLoopback)
                {
                    errors.Add($"{path}: plain http:// to {uri.Host}, which is not loopback; use https (plain http is accepted on 127.0.0.1, ::1 and localhost only)");
                }
            }
        }
        return errors;
    }

    /// <summary>The nodes at <paramref name="steps"/> below <paramref name="node"/> ("name" or "name[]" for each element), with their paths.</summary>
    private static IEnumerable<(string Path, JsonNode? Node)> At(JsonNode? node, string[] steps, string path)
    {
        if (steps.Length == 0)
        {
            yield return (path, node);
            yield break;
        }
        var step = steps[0];
        var name = step.TrimEnd('[', ']');
        var next = (node as JsonObject)?[name];
        var here = path.Length == 0 ? name : path + "." + name;
        if (step.EndsWith("[]", StringComparison.Ordinal))
        {
            var items = next as JsonArray ?? [];
            for (var i = 0; i < items.Count; i++)
            {
                foreach (var found in At(items[i], steps[1..], $"{here}[{i}]")) yield return found;
            }
        }
        else if (next is not null)
        {
            foreach (var found in At(next, steps[1..], here)) yield return found;
        }
    }

    private static ScopeStatement? ReadScope(JsonNode? scope)
        => scope is not JsonObject s ? null : new ScopeStatement(
            s["substrates"]?.AsArray().Select(x => (string)x!).ToList() ?? [],
            s["resourceServers"]?.AsArray().Select(r => new ScopedResourceServer((string)r!["id"]!, (string)r["resource"]!,
                (bool?)r["consequential"] ?? true, (bool?)r["inScope"] ?? true)).ToList() ?? [],
            (string?)s["manifest"],
            s["frameworkVersions"]?.AsArray().Select(x => (string)x!).ToList() ?? [],
            s["unmediatedPaths"]?.AsArray().Select(x => (string)x!).ToList() ?? []);

    private static ParameterBinding? ReadParameterBinding(JsonNode? node, List<string> actions, string at, List<string> errors)
    {
        if (node is null) return null;
        var bound = node["actions"]!.AsArray().Select(a => (string)a!).ToList();
        foreach (var action in bound.Where(a => !actions.Contains(a))) errors.Add($"{at}.parameterBinding.actions: \"{action}\" is not one of entry.actions");
        return new ParameterBinding((string)node["schemaVersion"]!, (string)node["authorizationDomain"]!, bound);
    }

    /// <summary>"${env:NAME}" or "${env:NAME:-default}" from the environment; anything else as written.</summary>
    private static string? Resolve(string? value, string field, Func<string, string?> environment, List<string> errors)
    {
        if (value is null) return null;
        var match = EnvReference().Match(value);
        if (!match.Success) return value;
        var resolved = environment(match.Groups["name"].Value);
        if (string.IsNullOrEmpty(resolved)) resolved = match.Groups["default"].Success ? match.Groups["default"].Value : null;
        if (resolved is null) errors.Add($"{field}: environment variable {match.Groups["name"].Value} is not set");
        return resolved;
    }

    private static JsonWebKey? LoadKey(string path, string field, List<string> errors)
    {
        try
        {
            var key = new JsonWebKey(File.ReadAllText(path));
            if (!key.HasPrivateKey) errors.Add($"{field}: {path} holds no private key (\"d\")");
            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            errors.Add($"{field}: cannot read a JWK from {path}: {e.Message}");
            return null;
        }
    }

    /// <summary>"#/authorizationServers[0].clients[1].auth" or "/a/0/b" → "authorizationServers[0].clients[1].auth".</summary>
    public static string FieldPath(string pointer)
    {
        var path = pointer.TrimStart('#').TrimStart('/');
        path = Regex.Replace(path, "/([0-9]+)", "[$1]");
        return path.Replace('/', '.').Length == 0 ? "(root)" : path.Replace('/', '.');
    }

    [GeneratedRegex("^\\$\\{env:(?<name>[A-Za-z_][A-Za-z0-9_]*)(:-(?<default>[^}]*))?\\}$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvReference();
}
