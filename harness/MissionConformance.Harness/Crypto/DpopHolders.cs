using System.Collections.Concurrent;

namespace MissionConformance.Harness.Crypto;

/// <summary>
/// The DPoP keys one scenario holds: one per client, made when first needed, and which token is bound to which key. RFC 9449
/// §5: an AS answering token_type DPoP to a request proven by a key has bound the access token (and, for a public client, the
/// refresh token) to that key, so every later use of either proves the same key.
/// </summary>
public sealed class DpopHolders
{
    private readonly ConcurrentDictionary<string, DpopKey> _byClient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DpopKey> _byToken = new(StringComparer.Ordinal);

    /// <summary>The key <paramref name="clientId"/> proves at the token endpoint in this scenario.</summary>
    public DpopKey KeyOf(string clientId) => _byClient.GetOrAdd(clientId, _ => new DpopKey());

    /// <summary>Records that <paramref name="token"/> was issued bound to <paramref name="key"/>.</summary>
    public void Bind(string token, DpopKey key) => _byToken[token] = key;

    /// <summary>The key <paramref name="token"/> was issued bound to, if the harness holds it.</summary>
    public DpopKey? KeyFor(string token) => _byToken.TryGetValue(token, out var key) ? key : null;
}
