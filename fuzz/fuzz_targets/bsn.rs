//! The BSN parser: any text either gets a Dutch message or is a valid BSN
//! (nine digits passing the eleven-check), and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zorgsignaal::domain::bsn::Bsn;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Bsn::parse(text) {
        Ok(bsn) => {
            let digits: Vec<u32> = bsn.as_str().chars().map(|c| c.to_digit(10).expect("digits only")).collect();
            assert_eq!(digits.len(), 9, "{:?}", bsn.as_str());
            let sum: u32 = digits[..8].iter().zip((2..=9).rev()).map(|(d, w)| d * w).sum::<u32>();
            assert_eq!((sum + 11 * 9 - digits[8]) % 11, 0, "eleven-check: {:?}", bsn.as_str());
            let masked = bsn.masked();
            assert!(!masked.contains(bsn.as_str()), "the masked form hides the BSN");
            // Parsing what it shows gives the same BSN.
            assert_eq!(Bsn::parse(bsn.as_str()).as_ref().map(Bsn::as_str), Ok(bsn.as_str()));
        }
        Err(message) => assert!(!message.is_empty()),
    }
});
