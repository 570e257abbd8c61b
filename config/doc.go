// Package config loads and validates Dossier's configuration: a YAML file
// (dossier.yaml in the working directory, or the file given with
// --config), then DOSSIER_* environment variables, then command-line
// flags. Every key has a default, so an empty configuration answers
// questions about the seed articles.
//
// It is the only package that imports viper. It must not import the
// search, commands or digest packages.
package config
