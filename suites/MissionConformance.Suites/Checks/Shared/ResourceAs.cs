using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>One ID-JAG the harness presented at the Resource AS under test, what was wrong with it (if anything), and the answer.</summary>
public sealed record Redemption(string Case, string Grant, WireResponse Response)
{
    /// <summary>A local token was issued.</summary>
    public bool Issued => Response.Status == HttpStatusCode.OK && Response.ObjectBody() is { } body && Subset.Text(body, "access_token") is { Length: > 0 };

    public string? Error => Response.ObjectBody() is { } body ? Subset.Text(body, "error") : null;

    public string? AccessToken => Response.ObjectBody() is { } body ? Subset.Text(body, "access_token") : null;

    /// <summary>
    /// The local token decoded as an RFC 9068 access token, its claims validated as it was captured (MBO-RAS-005 reads them
    /// only when it says typ at+jwt); null when no local token was issued or it is no JWT (<see cref="LocalTokenUnreadable"/> says why).
    /// </summary>
    public DecodedJwt? LocalToken => _local.Value.Token;

    /// <summary>Why an issued local token could not be decoded as a JWT; null when it could, or none was issued.</summary>
    public string? LocalTokenUnreadable => _local.Value.Problem;

    private readonly Lazy<(DecodedJwt? Token, string? Problem)> _local = new(() => DecodeLocal(Response));

    private static (DecodedJwt?, string?) DecodeLocal(WireResponse response)
    {
        if (response.ObjectBody() is not { } body || Subset.Text(body, "access_token") is not { Length: > 0 } token) return (null, null);
        try
        {
            return (DecodedJwt.Decode(token, JwtArtifact.AccessToken), null);
        }
        catch (Exception x) when (x is FormatException or JsonException or ArgumentException)
        {
            return (null, x.Message);
        }
    }

    /// <summary>The grant's own claims, as the harness minted them.</summary>
    public JsonElement GrantClaims => DecodedJwt.Decode(Grant).Payload;

    /// <summary>Refused as RFC 6749 §5.2 says, with <paramref name="errors"/> (any error when none is named).</summary>
    public bool RefusedWith(params string[] errors)
        => !Issued && (int)Response.Status is 400 or 401 && Error is { } error && (errors.Length == 0 || errors.Contains(error));

    public string Describe() => $"HTTP {(int)Response.Status} {Error ?? (Issued ? "with a local token" : "(no OAuth error)")}";
}

/// <summary>
/// conformance.md §5 L2 item 4: what <see cref="Scenarios.ResourceAsValidationScenario"/> presented at one Resource AS and
/// what it answered. <paramref name="Valid"/> and <paramref name="ShortLived"/> are well-formed grants bound to
/// <paramref name="KeyThumbprint"/> (120 s and 20 s); the others each carry one defect.
/// </summary>
public sealed record ResourceAsEvidence(string ResourceAs, string Origin, string KeyThumbprint, JsonElement GrantedEntry,
    Redemption Valid, Redemption ShortLived, Redemption Replayed, Redemption UntrustedOrigin,
    IReadOnlyList<Redemption> Defective, IReadOnlyList<Redemption> Unbound, Redemption? WithoutProof, Redemption BeyondGrant, string BeyondAction)
{
    /// <summary>What each Mission surface the Resource AS advertises answered about the Mission of its grants.</summary>
    public IReadOnlyList<MissionSurfaceAnswer> MissionSurfaces { get; init; } = [];

    public LocalIntrospection Introspection { get; init; } = new(null, "not judged: no introspection was attempted");
}

/// <summary>A Mission Status or lifecycle surface the Resource AS advertises, and its answer about a Mission it does not hold.</summary>
public sealed record MissionSurfaceAnswer(string Surface, WireResponse Answer);

/// <summary>The introspection of the valid local token at the Resource AS, or why there was none.</summary>
public sealed record LocalIntrospection(WireResponse? Answer, string? NotIntrospected);
