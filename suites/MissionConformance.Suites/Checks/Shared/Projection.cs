using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>Tokens derived from one Mission for the same audience, in the order they were obtained, each named by how.</summary>
public sealed record ClaimModeEvidence(string Audience, IReadOnlyList<(string How, TokenExchange Token)> Tokens);

/// <summary>
/// conformance.md §5 L2 items 1–2: a Mission-bound access token exchanged (RFC 8693) for one of its
/// resources, exchanged again for the same one, and the narrowed result exchanged for a resource
/// of the Mission it does not carry.
/// </summary>
public sealed record ExchangeEvidence(TokenExchange Subject, string Resource, TokenExchange Exchanged, TokenExchange? Again,
    string? OtherResource, TokenExchange? Widening, string? WhyNoWidening)
{
    public string? Failure => Exchanged.Succeeded ? null
        : $"exchanging an active Mission's token for {Resource} failed: HTTP {(int)Exchanged.Response.Status} {Exchanged.Response.Member("error")} {Exchanged.Response.Member("error_description")}".TrimEnd();
}

/// <summary>An exchange attempted after a lifecycle operation, with the state the inventory then reported.</summary>
public sealed record ExchangeGating(string Operation, string? StateAfterOperation, TokenExchange Exchange, string ExpectedState);

/// <summary>The same exchange after each operation; its control (<see cref="Controls.ExchangeServed"/>) is the exchange while the Mission was active.</summary>
public sealed record ExchangeGatingEvidence(IReadOnlyList<ExchangeGating> Attempts);

/// <summary>conformance.md §5 L2 item 1: one token per resource of a Mission, each obtained as <c>How</c>.</summary>
public sealed record ProjectionEvidence(TokenExchange Original, IReadOnlyList<(string Resource, string How, TokenExchange Token)> PerResource, string? WhyNot);
