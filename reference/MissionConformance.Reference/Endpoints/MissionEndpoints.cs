using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Security;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Endpoints;

/// <summary>
/// Shared shape of the two Mission-management endpoints: private_key_jwt, 401 "unauthorized" when it
/// is missing, and one 404 "not_found" for unknown and foreign Missions alike (no oracle).
/// </summary>
public abstract class MissionEndpointBase(ClientAssertionAuthenticator authenticator, MissionStore store, Hooks<IStateAuthorityHook> hooks, string path)
{
    private static readonly Regex NonceFormat = new("^[A-Za-z0-9_-]{16,128}$", RegexOptions.CultureInvariant);

    protected MissionStore Store => store;

    protected Hooks<IStateAuthorityHook> Hooks => hooks;

    protected async Task<(TestClient? Client, IFormCollection Form, IResult? Failure)> AuthenticateAsync(HttpContext http)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
        var authentication = new ClientAuthentication(path);
        hooks.Run(h => h.Authenticating(authentication));
        var (client, failure) = await authenticator.AuthenticateAsync(http.Request, form, path, http.RequestAborted, authentication.AcceptsClientSecret);
        if (client is null)
        {
            http.Response.Headers.WWWAuthenticate = "private_key_jwt realm=\"mission\"";
            return (null, form, Error(StatusCodes.Status401Unauthorized, "unauthorized", failure!, form["nonce"]));
        }
        return (client, form, null);
    }

    /// <summary>The Mission if the caller may see it: its requesting client, or an administrator.</summary>
    protected async Task<(MissionRecord? Mission, IResult? Failure)> FindVisibleAsync(TestClient client, string id, string? nonce, CancellationToken ct)
    {
        // A Mission is named by its id or by a pairwise ref (oauth-profile.md §12 "mission (id or ref)", §15).
        var mission = await store.FindAsync(id, ct) ?? (await store.ResolvePairwiseAsync(id, ct))?.Mission;
        if (mission is not null && (client.IsAdmin || mission.ClientId == client.ClientId))
        {
            return (mission, null);
        }
        var hidden = new HiddenMission(mission, NotFound(nonce), (status, error, description) => Error(status, error, description, nonce));
        hooks.Run(h => h.MissionHidden(hidden));
        return (null, hidden.Answer);
    }

    protected static bool IsValidNonce(string? nonce) => nonce is not null && NonceFormat.IsMatch(nonce);

    protected IResult NotFound(string? nonce) => Error(StatusCodes.Status404NotFound, "not_found", "mission not found", nonce);

    /// <summary>An error answer echoing the request's nonce (mission-status.md "Errors").</summary>
    protected IResult Error(int status, string error, string description, string? nonce)
        => new NoStoreJsonResult(ErrorBody(new JsonObject { ["error"] = error, ["error_description"] = description, ["nonce"] = nonce }), status);

    protected JsonObject ErrorBody(JsonObject body)
    {
        hooks.Run(h => h.ErrorAnswered(new EndpointError(path, body)));
        return body;
    }
}

/// <summary>POST mission_lifecycle_endpoint: revoke, suspend, resume, complete (oauth-profile.md §12, lifecycle.md).</summary>
public sealed class LifecycleEndpoint(
    ClientAssertionAuthenticator authenticator, MissionStore store, Hooks<IStateAuthorityHook> hooks, MissionStatusResponseGenerator statusResponses, LifecycleOperators operators)
    : MissionEndpointBase(authenticator, store, hooks, Path)
{
    public const string Path = "missions/lifecycle";

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var (client, form, failure) = await AuthenticateAsync(http);
        if (failure is not null) return failure;

        string? nonce = form["nonce"];
        string? operation = form["operation"];
        string? reason = form["reason"];
        if (!IsValidNonce(nonce))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "nonce must match [A-Za-z0-9_-]{16,128}", null);
        }
        var request = new LifecycleRequest(operation);
        Hooks.Run(h => h.LifecycleRequested(request));
        if (operation is null || !request.Supported.Contains(operation))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "operation must be revoke, suspend, resume or complete", nonce);
        }
        if (reason is { Length: > 1024 })
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "reason is limited to 1024 characters", nonce);
        }
        if (string.IsNullOrEmpty(form["mission"]))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "mission is required", nonce);
        }

        var (mission, hidden) = await FindVisibleAsync(client!, form["mission"]!, nonce, http.RequestAborted);
        if (hidden is not null) return hidden;
        // A client that may see the Mission but not operate it learns no more than about an unknown one (conformance.md §5 L1 item 13).
        if (!operators.MayOperate(client!)) return NotFound(nonce);

        var (outcome, current) = await Store.ApplyAsync(mission!.Id, operation, client!.ClientId, reason, http.RequestAborted);
        switch (outcome)
        {
            case TransitionOutcome.NotFound:
                return NotFound(nonce);
            case TransitionOutcome.Conflict:
                // lifecycle.md: a transition out of a terminal state (or otherwise illegal) is a concurrent-modification error.
                return new NoStoreJsonResult(new Dictionary<string, string>
                {
                    ["error"] = "mission_concurrent_modification",
                    ["error_description"] = $"cannot {operation} a Mission in state {current!.State}",
                    ["current_state"] = current.State,
                    ["observed_state"] = string.Join(" or ", LifecycleOperation.LegalSources(operation)),
                }, StatusCodes.Status409Conflict);
        }

        var lifecycleEvent = new JsonObject
        {
            ["operation"] = operation,
            ["at"] = MissionIntentValidator.FormatRfc3339(DateTimeOffset.FromUnixTimeSeconds(current!.UpdatedAt)),
            ["actor"] = client.ClientId,
            ["reason"] = reason,
        };
        var jws = statusResponses.Create(current, client.ClientId, client.ClientId, nonce!, lifecycleEvent);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(jws, MissionStatusResponseGenerator.MediaType);
    }
}

/// <summary>
/// The AD-1 Mission inventory (conformance.md §1): one record, or the Missions of a subject, visible
/// to the requesting client (all of them to an administrator).
/// </summary>
public sealed class InventoryEndpoint(ClientAssertionAuthenticator authenticator, MissionStore store, Hooks<IStateAuthorityHook> hooks)
    : MissionEndpointBase(authenticator, store, hooks, Path)
{
    public const string Path = "missions/inventory";

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var (client, form, failure) = await AuthenticateAsync(http);
        if (failure is not null) return failure;
        http.Response.Headers.CacheControl = "no-store";

        if (form["mission"] is { Count: > 0 } id && !string.IsNullOrEmpty(id))
        {
            var (mission, hidden) = await FindVisibleAsync(client!, id!, null, http.RequestAborted);
            return hidden ?? Results.Json(MissionRecordView.ToJson(mission!));
        }

        string? subject = form["subject"];
        var missions = await Store.ListAsync(client!.IsAdmin ? null : client.ClientId, string.IsNullOrEmpty(subject) ? null : subject, http.RequestAborted);
        return Results.Json(new JsonObject { ["missions"] = new JsonArray(missions.Select(m => (JsonNode)MissionRecordView.ToJson(m)).ToArray()) });
    }
}
