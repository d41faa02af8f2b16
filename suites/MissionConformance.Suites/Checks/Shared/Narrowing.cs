using System.Text.Json;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>A token narrowed with RFC 8707 resource, against the Mission's entries (from the full-set token or the record).</summary>
public sealed record NarrowedToken(string Resource, TokenExchange Token, JsonElement MissionEntries);

public sealed record OutsideSetRequest(TokenExchange Token, JsonElement MissionEntries);
