using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Security;

/// <summary>
/// The AS's ES256 signing key and the symmetric key OpenIddict encrypts codes and refresh tokens
/// with. Both live in the database so that tokens issued before a restart stay valid after it.
/// </summary>
public sealed class KeyRing
{
    private KeyRing(ECDsaSecurityKey signingKey, SymmetricSecurityKey encryptionKey)
    {
        SigningKey = signingKey;
        EncryptionKey = encryptionKey;
    }

    public ECDsaSecurityKey SigningKey { get; }

    public SymmetricSecurityKey EncryptionKey { get; }

    public static KeyRing LoadOrCreate(ReferenceDbContext db)
    {
        var signing = db.Keys.AsNoTracking().SingleOrDefault(k => k.Name == "signing-es256");
        var encryption = db.Keys.AsNoTracking().SingleOrDefault(k => k.Name == "encryption-a256");
        if (signing is null || encryption is null)
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            signing = new KeyMaterial { Name = "signing-es256", Value = Convert.ToBase64String(ec.ExportPkcs8PrivateKey()) };
            encryption = new KeyMaterial { Name = "encryption-a256", Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
            db.Keys.RemoveRange(db.Keys);
            db.Keys.AddRange(signing, encryption);
            db.SaveChanges();
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(signing.Value), out _);
        var signingKey = new ECDsaSecurityKey(ecdsa);
        signingKey.KeyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(signingKey).ComputeJwkThumbprint());
        return new KeyRing(signingKey, new SymmetricSecurityKey(Convert.FromBase64String(encryption.Value)));
    }
}
