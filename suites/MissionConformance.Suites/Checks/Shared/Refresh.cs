using System.Net;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>A refresh and what came before it: the original token, the refreshed one, and a reuse of the predecessor.</summary>
public sealed record RefreshEvidence(TokenExchange Original, TokenExchange Refreshed, TokenExchange? PredecessorReuse);

/// <summary>
/// One client's refresh token, refreshed and then presented again; whether that client authenticates at the token endpoint; and,
/// when the predecessor still worked and the tokens were DPoP-bound, the same token presented with a proof by another key.
/// </summary>
public sealed record RefreshBinding(string ClientId, bool Authenticated, TokenExchange Refreshed, TokenExchange Reuse, TokenExchange? OtherKey = null);

public sealed record TokenRevocationEvidence(HttpStatusCode RevocationStatus, TokenExchange RefreshAfter, string? StateAfter);
