namespace MissionConformance.Reference.Configuration;

/// <summary>
/// The approver authentication contexts the reference AS offers (acr_values_supported): the password
/// alone, or the password and the account's second factor. An Intent's context.acr names the one
/// its approval needs (oauth-profile.md §3.2, §5 step 1).
/// </summary>
public static class AuthenticationContext
{
    public const string Password = "urn:mission-conformance:acr:password";
    public const string SecondFactor = "urn:mission-conformance:acr:mfa";
    public const string ClaimType = "acr";

    public static IReadOnlyList<string> Supported { get; } = [Password, SecondFactor];

    /// <summary>Whether a session authenticated at <paramref name="achieved"/> satisfies <paramref name="required"/>.</summary>
    public static bool Satisfies(string? achieved, string? required)
        => required is null or Password || achieved == SecondFactor;
}
