import ArgumentParser

// No setlocale here: in a UTF-8 locale libarchive normalises UTF-8 member names to NFC,
// which would merge two different files whose names are canonically equivalent
// (fixture synthetic/wide-chars). Names must stay raw bytes while archives are read.
FathomCommand.main()
