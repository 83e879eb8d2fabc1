module github.com/cdk-serverless-patterns/cdk-serverless-patterns/examples/go

go 1.25

require (
	github.com/aws/aws-cdk-go/awscdk/v2 v2.276.0
	github.com/aws/constructs-go/constructs/v10 v10.5.1
	github.com/aws/jsii-runtime-go v1.140.0
	github.com/cdk-serverless-patterns/cdk-serverless-patterns-go/cdkserverlesspatterns v0.1.0
)

// The module jsii-pacmak generated (npm run build && npm run package:code).
replace github.com/cdk-serverless-patterns/cdk-serverless-patterns-go/cdkserverlesspatterns => ../../dist/go/cdkserverlesspatterns
