using System.Buffers.Text;
using System.Security.Cryptography;

namespace MissionConformance.Reference.Security;

/// <summary>
/// RFC 9449 §8 nonces of the token endpoint, under variant DpopBoundTokens: the HMAC of a five-minute window, so none is
/// stored; a proof carrying the current window's or the previous one's is accepted.
/// </summary>
public sealed class DpopNonces(TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    /// <summary>The nonce to give in a DPoP-Nonce header now.</summary>
    public string Current => For(clock.GetUtcNow());

    public bool Accepts(string? nonce) => nonce is not null && (nonce == Current || nonce == For(clock.GetUtcNow() - Window));

    private string For(DateTimeOffset at)
        => Base64Url.EncodeToString(HMACSHA256.HashData(_secret, BitConverter.GetBytes(at.ToUnixTimeSeconds() / (long)Window.TotalSeconds)));
}
