using Microsoft.EntityFrameworkCore;

namespace MissionConformance.Reference.Storage;

/// <summary>
/// Values the server accepts once: a client assertion's jti (RFC 7523 §3), a rotated refresh token (RFC 9700 §4.14.2).
/// Each is claimed by one conditional insert, so of any number of racing requests exactly one wins; a check followed by
/// an insert lets several through, or fails the losers on the key with a 500.
/// </summary>
public sealed class OneTimeUse(IDbContextFactory<ReferenceDbContext> dbFactory)
{
    /// <summary>True for the one caller that claims <paramref name="key"/>, false for every other, at once or later.</summary>
    public async Task<bool> TryClaimAsync(string key, DateTimeOffset expiresAt, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT OR IGNORE INTO UsedAssertions (Key, ExpiresAt) VALUES ({key}, {expiresAt.ToUnixTimeSeconds()})", ct);
        return inserted == 1;
    }
}
