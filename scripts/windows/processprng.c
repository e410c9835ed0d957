/* Test-only stand-in for bcryptprimitives.dll's ProcessPrng, which Rust >= 1.78's std
 * imports and Wine 8.0 lacks (Wine has it from 8.13; Windows 10 and later always had it).
 * Copied into a throwaway Wine prefix by scripts/windows-test.sh; never shipped. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
