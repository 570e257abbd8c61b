module github.com/dossier-bot/dossier

go 1.25.0

require (
	github.com/blevesearch/snowballstem v0.9.0
	go.yaml.in/yaml/v3 v3.0.4
	golang.org/x/text v0.37.0
)

require (
	github.com/kr/pretty v0.3.1 // indirect
	gopkg.in/check.v1 v1.0.0-20190902080502-41f04d3bba15 // indirect
)
